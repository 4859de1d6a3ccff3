"""infralab: the Python package behind the Invisible Foundations course.

Lesson packages (one per lesson model, small modules of one concern each) hold the
simulations; shared modules hold what every lesson uses:

- :mod:`infralab.lessons` — the registry: each lesson's number, slug, model packages and data.
- :mod:`infralab.growth` — lesson 03, the doomsday clock: growth fits, projections, sharding.
- :mod:`infralab.tracking` — lesson 05, server-side tracking: client-side loss by segment,
  A/B readouts, cookie-capped identity, an idempotent SQLite event store.
- :mod:`infralab.plotting` — the course figure style and recurring figure kinds.
- :mod:`infralab.tryit` — interactive "try it" panels.
- :mod:`infralab.datasets` — generators, loaders and checksums for ``data/``.
- :mod:`infralab.checks` — friendly self-checks for exercise notebooks.
- :mod:`infralab.validation` — argument checks with clear messages.
- :mod:`infralab.environment` — the set-up check in ``00_start_here``.
- :mod:`infralab.workspace` — the learner's own copies of the exercises (``infralab start``).
- :mod:`infralab.build` — exercises and notebook execution; :mod:`infralab.coursemap` — the
  course map, read from the notebooks.
- :mod:`infralab.handouts` — the learner and instructor editions of the offline HTML handouts.
- :mod:`infralab.cli` — the ``infralab`` command behind the Makefile.
- :mod:`infralab.kernel_guard`, :mod:`infralab.files`, :mod:`infralab.paths` — plumbing.
"""

__version__ = "0.1.0"
