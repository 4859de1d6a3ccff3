"""Offline HTML handouts in two editions, converted from the stored notebooks.

:func:`build_handouts` (``make handouts``, ``infralab handouts``; the instructor
edition with ``make handouts-instructor``, ``infralab handouts --instructor``) executes
nothing: it converts the outputs stored in the notebooks with nbconvert's
``HTMLExporter`` and the course template in ``templates/handout/``.

Two editions
------------
- **Learner edition** (``make handouts``, into ``handouts/``): every lesson
  (``notebooks/*.ipynb``) and every exercise sheet (``exercises/*.ipynb``),
  without the cells tagged ``instructor``. It is the default, and it holds no
  solution: exercise sheets are generated with stubs in place of the solutions,
  and ``solutions/`` and ``docs/`` are not read for it.
- **Instructor edition** (``make handouts-instructor``, into
  ``handouts-instructor/``, beside the learner edition and never inside it): the
  instructor's kit (the instructor guide, a one-page run sheet, room conventions,
  a pre-workshop email, running a room and troubleshooting, rendered from
  ``docs/``), the lessons with their facilitation notes shown in a "Facilitation
  note" box, the exercise sheets as learners see them, the solutions
  (``solutions/*.ipynb``) and an answer key per lesson, made from the lesson's
  check module at build time (:mod:`.answers`): each task's common mistakes, the
  line the check prints for each and what to say.

Everything is found in the folders, so a new lesson needs no change here. A
lesson, its exercise sheet and its solutions belong together when their file
names start with the same number (``03_``).

Reading order
-------------
Pages are read in course order: lessons by their number (files whose name has
no ``NN_`` prefix come after, by name), each lesson followed by its exercise
sheet, its solutions and its answer key. In the instructor edition the kit comes
first, the guide at its head: it holds the agenda. "← Previous" and "Next →"
follow this order.

On every page, at the top and at the foot: "← previous / contents / next →"
links and a "related" block (the same lesson's other pages in that edition; a
guide relates to the other guides and every lesson, every page to the guides).
Each edition's ``index.html`` is a categorised sitemap: grouped by lesson, and
listed by kind (lessons, exercise sheets, solutions, answer keys, guides), with
the estimated time a notebook states ("**Time:** about N minutes").

Accessible
----------
Every page meets WCAG 2.1 A and AA as axe-core checks it (``tests/test_accessibility.py``):
prompts and highlighted code have AA contrast (the template's colours), and each
figure's alt text is the one stored with its output, which the course style sets
to the figure's title (:func:`infralab.plotting.use_course_style`).

Offline and in print
--------------------
No page loads anything from outside its edition's folder: no require.js,
MathJax (the course writes no TeX), Mermaid or widget-manager scripts, and
every image is embedded. A widget becomes a one-line note; the static figure
the lesson shows below it stays. :func:`external_resources` lists what a page
would fetch, so a test holds every page to that promise. The print stylesheet
hides the navigation and keeps code, tables and figures within an A4 page.

Nothing runs
------------
A notebook is content, not a program the reader agreed to run. The HTML that
cells and their stored outputs contribute goes through an allow-list (nbconvert's
``sanitize_html`` with the course's list, ``inert.py``): a script, an event
handler, a ``javascript:`` link, a frame, an object, a form or a remote style is
shown as text or dropped, while headings, tables, code, embedded images,
``details`` blocks and pandas tables stay as they are. Every page also carries a
content security policy as the first element of its head: no script, no
request; inline styles and ``data:`` images only.

Each edition rebuilds incrementally: each page ends with a stamp, a hash of
everything it is made from, and is converted again only when that changes.
Stamped pages whose notebook has gone are removed; files without a stamp are
never touched.
"""

from __future__ import annotations

from .editions import build_handouts
from .offline import external_resources
from .pages import (
    COURSE_TITLE,
    EDITIONS,
    INSTRUCTOR_EDITION,
    INSTRUCTOR_GUIDE,
    INSTRUCTOR_KIT,
    LEARNER_EDITION,
)

__all__ = [
    "COURSE_TITLE",
    "EDITIONS",
    "INSTRUCTOR_EDITION",
    "INSTRUCTOR_GUIDE",
    "INSTRUCTOR_KIT",
    "LEARNER_EDITION",
    "build_handouts",
    "external_resources",
]
