"""Join the chunks of a cell's printed output exactly, so a page shows what the cell printed.

ipykernel sends stdout in chunks whose boundaries depend on timing, and myst-nb's
coalesce_streams strips each chunk's trailing whitespace before joining with a newline: a
`print(a, b)` split after "a" showed as two lines on a busy machine, and two builds differed.
Consecutive chunks of one stream are concatenated first; myst-nb's own merge then runs as before.
Upstream: myst_nb/core/utils.py coalesce_streams still rstrips and joins with "\n" (MyST-NB PR
#640 only changed strip to rstrip); drop this module once that is fixed.
"""

from __future__ import annotations

from importlib.metadata import version

import myst_nb.core.render
from myst_nb.core.utils import coalesce_streams as myst_nb_coalesce
from nbformat import NotebookNode
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def join_chunks(outputs: list[NotebookNode]) -> list[NotebookNode]:
    joined: list[NotebookNode] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output["output_type"] == "stream"
            and previous is not None
            and previous["output_type"] == "stream"
            and previous["name"] == output["name"]
        ):
            previous = joined[-1] = NotebookNode({**previous, "text": previous["text"] + output["text"]})
        else:
            joined.append(output)
    return joined


def coalesce_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    return myst_nb_coalesce(join_chunks(outputs))


def install() -> None:
    current = getattr(myst_nb.core.render, "coalesce_streams", None)
    if current is not coalesce_streams and current is not myst_nb_coalesce:
        raise ExtensionError(
            f"stream_output: myst-nb {version('myst-nb')} no longer renders outputs through "
            "myst_nb.core.render.coalesce_streams; update docs/_ext/stream_output.py"
        )
    myst_nb.core.render.coalesce_streams = coalesce_streams


def setup(app: Sphinx) -> dict:
    install()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
