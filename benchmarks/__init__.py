"""The course's benchmarks: is it as fast as it promises? (``make bench``)

Four promises are measured, each against a target (``benchmarks/report.py``):
every notebook's Run All takes at most twice a bare kernel's, every try-it
redraw at most 100 ms, the test suite at most 60 s, and every vectorised
simulator processes at least 100 times more units per second than a plain
Python loop computing the same statistics from the same random numbers.

Layout
------
``replay.py``
    :class:`~benchmarks.replay.ReplayGenerator`: hands pre-drawn random numbers
    to a lesson's public function, so it and its loop simulate the same units.
``simulators.py``
    The :class:`~benchmarks.simulators.Simulator` record, collecting every
    baseline module's ``SIMULATORS``, and the agreement check.
``growth.py``, ``tracking.py``
    The baselines, one module per lesson model package (``infralab.growth``,
    ``infralab.tracking``): the plain loops, the draws, and a ``SIMULATORS``
    tuple. A new simulator goes in such a module; a new lesson's module is
    found from the lessons' registry (``infralab.lessons``).
``test_simulators.py``
    pytest-benchmark: each simulator's vectorised code and its loop, timed.
``notebooks.py``, ``panels.py``
    Run All of each notebook against a bare kernel (nbclient, kernel guard),
    and the try-it redraw probe that runs inside the notebook's kernel.
``suite.py``
    The test suite and a fresh clone's ``make test``, timed in a subprocess.
``report.py``, ``__main__.py``
    The table and ``docs/performance.md`` (``python -m benchmarks``).

Running
-------
From the top of the checkout::

    make bench                                   # everything, printed as a table
    .venv/bin/python -m pytest benchmarks -n 0   # the simulators only, pytest-benchmark's table
    .venv/bin/python -m benchmarks --write       # everything, recorded in docs/performance.md

``python -m benchmarks --json FILE`` reads the JSON of an earlier
``pytest benchmarks -n 0 --benchmark-json=FILE`` instead of running it again;
``--skip-notebooks`` and ``--skip-suite`` leave those parts out, ``--fresh`` adds
a fresh clone, ``--strict`` exits with 1 when a target is missed. The normal
test suite does not collect this folder; it checks that every simulator agrees
with its loop (``tests/test_simulator_agreement.py``) and tests the pieces here
(``tests/test_benchmarks.py``).

Why pytest-benchmark
--------------------
It is a maintained pytest plugin that does what our home-made harness did by
hand, and more carefully: calibrated repeat timing (it chooses rounds and
iterations from the timer's resolution), statistics (min, median, spread,
outliers), and JSON output that ``python -m benchmarks`` turns into speed-ups.
So the harness's own repeat-timing code is gone. asv (airspeed velocity) was
considered: it benchmarks a project across its git history, building an
environment per commit, which a two-core workshop repository does not need.
What no library does stays here: notebooks against a bare kernel, try-it
redraws, and the performance page.

A queue simulator (arrivals waiting for servers), when a lesson adds one, should
also be checked against SimPy, the standard discrete-event library, on the same
draws, as a second baseline.
"""
