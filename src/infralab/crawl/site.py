"""A seeded Q&A site as a link graph, in three designs.

A site is a set of pages and the links between them: a sparse matrix whose
entry ``[i, j]`` is 1 when page ``i`` links to page ``j``. The pages are

- the **home page** (page 0, ``/``);
- the **latest questions** listing, ``/latest/1.html``, ``/latest/2.html`` ...,
  newest first, ``per_page`` questions a page; each listing page links to the
  pages up to two before and after it, to the first and to the last. Deep
  pagination is capped at ``max_listing_pages`` (an *illustrative assumption*),
  so older questions are listed nowhere;
- the **questions**, ``/questions/<number>.html``, each in one category;
- with a categorised HTML sitemap: ``/sitemap.html`` (linked from the home page)
  listing every category, and per category paginated hub pages
  ``/categories/<name>/<page>.html`` (oldest first, ``hub_page_size`` questions
  each), every hub page linking to its questions and to all hub pages of its
  category. Questions link to nothing in this design (real Q&A pages link to
  their tags and categories; that would add paths, not shorten the shortest);
- with related links: each question also links to ``related_links`` other
  questions of its category, drawn uniformly at random (real related links
  favour popular pages, which leaves more of the archive unlinked).

What the model leaves out: it is a static snapshot (on a live site each new
question passes through the first latest-questions page when it is posted), and
nothing links in from other sites.

The three designs are cumulative, as in :data:`DESIGNS`: ``"latest"`` (only the
latest-questions pagination), ``"sitemap"`` (plus the categorised sitemap) and
``"related"`` (plus related links on every question).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sparse

from infralab.validation import check_choice, check_count, check_integer, check_seed, read_only

__all__ = ["CATEGORY_NAMES", "DESIGNS", "PAGE_KINDS", "Site", "build_site"]

#: The three designs, each adding to the one before.
DESIGNS = ("latest", "sitemap", "related")
#: What each code of :attr:`Site.kind` means.
PAGE_KINDS = ("home", "latest listing", "HTML sitemap", "category hub", "question")
#: Category names, in order of size (the first is the largest); more get ``topic-NN``.
CATEGORY_NAMES = (
    "python", "javascript", "java", "csharp", "php", "android", "html", "jquery",
    "cpp", "css", "ios", "sql", "mysql", "r", "nodejs", "linux", "git", "bash",
    "regex", "excel", "django", "ruby", "go", "rust",
)  # fmt: skip

_HOME, _LISTING, _SITEMAP, _HUB, _QUESTION = range(5)
#: How many neighbouring listing pages each listing page links to, on each side.
_WINDOW = 2


@dataclass(frozen=True)
class Site:
    """A generated site: its pages, what each is, and the links between them.

    Attributes
    ----------
    design : str
        One of :data:`DESIGNS`.
    links : scipy.sparse.csr_matrix
        ``links[i, j] == 1`` when page ``i`` links to page ``j`` (no self-links).
    urls : ndarray of str
        Each page's path, e.g. ``/questions/17.html``; page 0 is ``/``.
    kind : ndarray of int
        Each page's kind, an index into :data:`PAGE_KINDS`.
    category : ndarray of int
        Each question's (and hub page's) category, an index into
        :attr:`categories`; -1 for other pages.
    categories : tuple of str
        The category names.
    """

    design: str
    links: sparse.csr_matrix
    urls: np.ndarray
    kind: np.ndarray
    category: np.ndarray
    categories: tuple[str, ...]

    @property
    def n_pages(self) -> int:
        """How many pages the site has."""
        return int(self.kind.size)

    @property
    def is_question(self) -> np.ndarray:
        """True for the question pages."""
        return self.kind == _QUESTION

    @property
    def n_questions(self) -> int:
        """How many questions the site has."""
        return int(self.is_question.sum())


def _category_sizes(rng: np.random.Generator, n_questions: int, n_categories: int) -> np.ndarray:
    """Each question's category, Zipf-like sizes (weight 1 / rank), every category non-empty."""
    weights = 1.0 / np.arange(1, n_categories + 1)
    category = rng.choice(n_categories, size=n_questions, p=weights / weights.sum())
    category[:n_categories] = np.arange(n_categories)  # no empty category
    return category


def _listing_edges(first: int, n_listing: int, questions: np.ndarray, per_page: int):
    """Links of the latest-questions pagination: pages to questions and to nearby pages."""
    pages = first + np.arange(n_listing)
    listed = questions[: n_listing * per_page]
    to_questions = (pages.repeat(per_page)[: listed.size], listed)
    offsets = np.concatenate([np.arange(-_WINDOW, 0), np.arange(1, _WINDOW + 1)])
    near = np.arange(n_listing)[:, None] + offsets[None, :]
    keep = (near >= 0) & (near < n_listing)
    rows = np.broadcast_to(pages[:, None], near.shape)[keep]
    nav_src = np.concatenate([rows, pages, pages])
    nav_dst = np.concatenate([first + near[keep], np.full(n_listing, first),
                              np.full(n_listing, first + n_listing - 1)])  # fmt: skip
    return (np.concatenate([to_questions[0], nav_src]),
            np.concatenate([to_questions[1], nav_dst]))  # fmt: skip


def build_site(
    n_questions: int = 50_000,
    design: str = "related",
    *,
    n_categories: int = 24,
    per_page: int = 50,
    max_listing_pages: int = 100,
    hub_page_size: int = 100,
    related_links: int = 5,
    seed: int | np.random.Generator = 0,
) -> Site:
    """Generate a Q&A site of ``n_questions`` questions in one of three designs.

    Parameters
    ----------
    n_questions : int
        Questions on the site (1 to 2,000,000).
    design : {"latest", "sitemap", "related"}
        Which links exist (see the module docstring).
    n_categories : int
        Categories (1 to 1,000), Zipf-like sizes: the k-th holds about 1/k as many.
    per_page : int
        Questions per latest-questions page (an illustrative assumption).
    max_listing_pages : int
        How many latest-questions pages exist at most; older questions are
        not listed there (an illustrative assumption).
    hub_page_size : int
        Questions per category hub page.
    related_links : int
        Related questions each question links to (design ``"related"`` only);
        0 to 50.
    seed : int or numpy.random.Generator
        Seeds the categories and the related links.

    Returns
    -------
    Site

    Examples
    --------
    >>> site = build_site(1_000, "latest", per_page=50, max_listing_pages=4, seed=1)
    >>> site.n_questions, site.n_pages   # 1,000 questions, the home page, 4 listing pages
    (1000, 1005)
    >>> int(site.links[0].sum())          # the home page links to the first listing page
    1
    >>> build_site(1_000, "related", seed=1).n_pages > 1_005   # plus sitemap and hubs
    True
    """
    import scipy.sparse as sparse  # on first use: importing scipy.sparse loads numpy.f2py

    n_questions = check_count("n_questions", n_questions, high=2_000_000)
    check_choice("design", design, DESIGNS)
    n_categories = check_count("n_categories", n_categories, high=1_000)
    if n_categories > n_questions:
        raise ValueError(
            f"n_categories must be at most n_questions ({n_questions:,}), got {n_categories:,}"
        )
    per_page = check_count("per_page", per_page, high=10_000)
    max_listing_pages = check_count("max_listing_pages", max_listing_pages, high=1_000_000)
    hub_page_size = check_count("hub_page_size", hub_page_size, high=50_000)
    related_links = check_integer("related_links", related_links, low=0, high=50)
    rng = check_seed("seed", seed)

    category = _category_sizes(rng, n_questions, n_categories)
    n_listing = min(max_listing_pages, -(-n_questions // per_page))
    first_question = 1 + n_listing
    questions = first_question + np.arange(n_questions)  # newest first
    sources = [np.zeros(1, dtype=np.int64)]
    targets = [np.array([1])]  # home -> latest page 1
    src, dst = _listing_edges(1, n_listing, questions, per_page)
    sources.append(src)
    targets.append(dst)
    kind = [np.array([_HOME]), np.full(n_listing, _LISTING), np.full(n_questions, _QUESTION)]
    page_category = [np.full(1 + n_listing, -1), category]
    names = tuple(CATEGORY_NAMES[:n_categories]) + tuple(
        f"topic-{k + 1:02d}" for k in range(len(CATEGORY_NAMES), n_categories)
    )
    urls = ["/", *(f"/latest/{p}.html" for p in range(1, n_listing + 1))]
    urls += [f"/questions/{n_questions - q}.html" for q in range(n_questions)]

    if design != "latest":
        sitemap = first_question + n_questions
        # questions of each category, oldest first, cut into hub pages
        by_category = np.lexsort((-np.arange(n_questions), category))
        sizes = np.bincount(category, minlength=n_categories)
        hubs_per_category = -(-sizes // hub_page_size)
        hub_start = sitemap + 1 + np.concatenate([[0], np.cumsum(hubs_per_category)[:-1]])
        rank = np.arange(n_questions) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        hub_of = np.repeat(hub_start, sizes) + rank // hub_page_size  # by_category order
        n_hubs = int(hubs_per_category.sum())
        hub_category = np.repeat(np.arange(n_categories), hubs_per_category)
        # hub page -> every hub page of its category (the page-number row)
        pair_count = hubs_per_category[hub_category]
        hub_src = np.repeat(sitemap + 1 + np.arange(n_hubs), pair_count)
        first_hub = hub_start[hub_category]
        offsets = np.arange(pair_count.sum()) - np.repeat(np.cumsum(pair_count) - pair_count,
                                                          pair_count)  # fmt: skip
        hub_dst = np.repeat(first_hub, pair_count) + offsets
        sources += [np.zeros(1, dtype=np.int64), np.full(n_categories, sitemap), hub_of, hub_src]
        targets += [np.array([sitemap]), hub_start, questions[by_category], hub_dst]
        kind += [np.array([_SITEMAP]), np.full(n_hubs, _HUB)]
        page_category += [np.array([-1]), hub_category]
        urls.append("/sitemap.html")
        urls += [f"/categories/{names[c]}/{p}.html" for c, count in enumerate(hubs_per_category)
                 for p in range(1, count + 1)]  # fmt: skip

    if design == "related" and related_links > 0 and n_questions > 1:
        order = np.argsort(category, kind="stable")
        sizes = np.bincount(category, minlength=n_categories)
        starts = np.cumsum(sizes) - sizes
        own_size = sizes[category][:, None]
        # a random other question of the same category: skip over the question itself
        position = np.argsort(order)  # each question's position among its category's
        offset = position - starts[category]
        pick = np.floor(rng.random((n_questions, related_links)) * (own_size - 1)).astype(np.int64)
        pick += pick >= offset[:, None]
        related = order[np.minimum(starts[category][:, None] + pick, n_questions - 1)]
        alone = own_size[:, 0] == 1  # a category of one question has nothing related
        sources.append(np.repeat(questions[~alone], related_links))
        targets.append(first_question + related[~alone].ravel())

    source = np.concatenate(sources)
    target = np.concatenate(targets)
    n_pages = len(urls)
    keep = source != target
    links = sparse.csr_matrix(
        (np.ones(int(keep.sum())), (source[keep], target[keep])),  # float64, as csgraph wants
        shape=(n_pages, n_pages),
    )
    links.sum_duplicates()
    links.data[:] = 1
    return Site(
        design=design,
        links=links,
        urls=read_only(np.array(urls)),
        kind=read_only(np.concatenate(kind).astype(np.int8)),
        category=read_only(np.concatenate(page_category).astype(np.int64)),
        categories=names,
    )
