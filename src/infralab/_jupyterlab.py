"""``python -m infralab._jupyterlab``: JupyterLab, with the addresses it prints made whole.

``infralab lab`` opens the start page with the file browser at the top of the course
(``default_url`` ends in ``?file-browser-path=/``). Jupyter Server prints the local
address as that URL plus ``?token=...``: a second ``?``, so a browser reads the token
as part of the path and asks for a password. This module runs JupyterLab as
``python -m jupyterlab`` would, with the printed address joining its query with
``&`` instead.
"""

from __future__ import annotations

from jupyter_server.serverapp import ServerApp


def _one_query(url: str) -> str:
    """``url`` with every ``?`` after the first turned into ``&``.

    >>> _one_query("http://127.0.0.1:8888/lab/tree/a.ipynb?file-browser-path=/?token=abc")
    'http://127.0.0.1:8888/lab/tree/a.ipynb?file-browser-path=/&token=abc'
    >>> _one_query("http://127.0.0.1:8888/?token=abc")
    'http://127.0.0.1:8888/?token=abc'
    """
    head, mark, query = url.partition("?")
    return head + mark + query.replace("?", "&")


def _patch_printed_addresses() -> None:
    for name in ("local_url", "public_url"):
        printed = getattr(ServerApp, name)
        whole = property(lambda app, printed=printed: _one_query(printed.fget(app)))
        setattr(ServerApp, name, whole)


def main() -> None:
    """Start JupyterLab from the command line, as ``jupyter lab`` does."""
    _patch_printed_addresses()
    from jupyterlab.labapp import main as lab_main

    lab_main()


if __name__ == "__main__":
    main()
