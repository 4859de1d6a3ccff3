"""The nbgitpuller link that puts the course into each learner's home folder on a JupyterHub.

One click on the link clones the course repository into the learner's home
folder (or pulls its updates, on every later click) and opens the start page in
JupyterLab. nbgitpuller reads these query parameters (its ``handlers.py``):

==============  ================================================================
``repo``        the repository to clone, as ``git clone`` takes it
``branch``      the branch; left out, the repository's default branch. ``HEAD``
                is not a branch name to nbgitpuller: it fails with
                ``BranchExistError``, so the link never says it
``targetpath``  the folder the clone lands in, relative to the learner's home;
                left out, it is the last part of the ``repo`` address, ``.git``
                included, which is easy to get wrong in ``urlpath``
``urlpath``     what to open afterwards: ``lab/tree/<targetpath>/<file>``
==============  ================================================================

The link always names ``targetpath``, so the folder and the page to open
cannot disagree.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlencode, urlsplit

from .validation import check_text

__all__ = ["START_PAGE", "nbgitpuller_link"]

#: The page the link opens: the course's start page.
START_PAGE = "notebooks/00_start_here.ipynb"

_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def _web_address(name: str, value: object, *, git: bool = False) -> str:
    """``value`` as an ``http(s)://host/...`` address (``git@host:path`` too when ``git``)."""
    text = check_text(name, value)
    if git and re.fullmatch(r"[\w.-]+@[\w.-]+:[\w./-]+", text):
        return text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{name} must be a web address starting with https:// (or http://), got {text!r}"
        )
    return text.rstrip("/")


def _folder_of(repo: str) -> str:
    """The clone's folder name: the repository's last path part, without ``.git``."""
    last = posixpath.basename(repo.rstrip("/").split(":")[-1])
    return last[: -len(".git")] if last.endswith(".git") else last


def nbgitpuller_link(
    hub_url: str,
    repo_url: str,
    *,
    branch: str | None = None,
    folder: str | None = None,
    open_path: str = START_PAGE,
) -> str:
    """The nbgitpuller link of this course for one hub.

    Parameters
    ----------
    hub_url : str
        The hub's address, as learners open it (``https://hub.example.org``; a
        hub served under a path, ``https://example.org/jupyter``, works too).
    repo_url : str
        The course repository, as ``git clone`` takes it.
    branch : str, optional
        The branch learners pull. Left out (the default), the repository's
        default branch; ``"HEAD"`` is refused, because nbgitpuller takes it for a
        branch that does not exist.
    folder : str, optional
        The folder in each learner's home the course is cloned into; by default
        the repository's name, without ``.git``.
    open_path : str, optional
        The file to open once the course is there, relative to the course folder.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If an address is not an ``http(s)`` address, ``branch`` is ``"HEAD"``
        or not a branch name, or ``folder`` or ``open_path`` would leave the
        learner's home folder.

    Examples
    --------
    >>> nbgitpuller_link("https://hub.example.org", "https://git.example.org/team/course.git")
    'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgit.example.org%2Fteam%2Fcourse.git&targetpath=course&urlpath=lab%2Ftree%2Fcourse%2Fnotebooks%2F00_start_here.ipynb'
    """
    hub = _web_address("hub_url", hub_url)
    repo = _web_address("repo_url", repo_url, git=True)
    if branch is not None:
        branch = check_text("branch", branch)
        if branch.upper() == "HEAD":
            raise ValueError(
                "branch must be a branch name; leave it out for the repository's default "
                "branch (nbgitpuller takes 'HEAD' for a branch that does not exist)"
            )
        if not _BRANCH.fullmatch(branch) or ".." in branch:
            raise ValueError(f"branch must be a git branch name, got {branch!r}")
    folder = _folder_of(repo) if folder is None else check_text("folder", folder)
    if not _FOLDER.fullmatch(folder):
        raise ValueError(
            f"folder must be one folder name of letters, digits, '.', '_' or '-', got {folder!r}"
        )
    path = check_text("open_path", open_path).strip("/")
    if posixpath.isabs(open_path) or ".." in path.split("/") or "\\" in path:
        raise ValueError(f"open_path must be a path inside the course folder, got {open_path!r}")
    query = {"repo": repo}
    if branch is not None:
        query["branch"] = branch
    query["targetpath"] = folder
    query["urlpath"] = f"lab/tree/{folder}/{path}"
    return f"{hub}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote, safe='')}"
