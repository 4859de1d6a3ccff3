"""Writing generated files: whole or not at all, and only when their content changes.

Every generated file of the course (exercise notebooks, handouts, the data
files) is written through :func:`write_if_changed`, so an interrupted build
never leaves half a file, and a file that would not change keeps its
modification time (``make`` stays fast and ``git status`` stays quiet).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["write_if_changed"]


def write_if_changed(path: str | os.PathLike[str], data: bytes) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly those bytes.

    The new content goes to a temporary file in the same folder first and then
    replaces the old file in a single step (:func:`os.replace`), so a reader
    sees the old content or the new one, never half of either. Missing parent
    folders are created.

    Parameters
    ----------
    path : path-like
        The file to write.
    data : bytes
        The complete new content (encode text first, e.g. ``text.encode("utf-8")``).

    Returns
    -------
    bool
        ``True`` if the file was written, ``False`` if it already held ``data``
        and was left alone (its modification time unchanged).

    Raises
    ------
    TypeError
        If ``path`` is not a path or ``data`` is not bytes.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "notes" / "hello.txt"
    ...     first, again = write_if_changed(path, b"hello\\n"), write_if_changed(path, b"hello\\n")
    ...     content = path.read_bytes()
    >>> first, again, content
    (True, False, b'hello\\n')
    """
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a path (str or os.PathLike), got {path!r}")
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("xb") as stream:  # permissions follow the umask, as for any new file
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True
