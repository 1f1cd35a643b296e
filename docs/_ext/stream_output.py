"""Join the chunks of a cell's printed output exactly, so a page shows what the cell printed.

ipykernel sends stdout in chunks whose boundaries depend on timing, and myst-nb's
coalesce_streams strips each chunk's trailing whitespace before joining with a newline: a
`print(a, b)` split after "a" showed as two lines on a busy machine, and two builds differed.
Consecutive chunks of one stream are concatenated first; myst-nb's own merge then runs as before.
"""

from __future__ import annotations

import myst_nb.core.render
from myst_nb.core.utils import coalesce_streams as myst_nb_coalesce
from nbformat import NotebookNode
from sphinx.application import Sphinx


def join_chunks(outputs: list[NotebookNode]) -> list[NotebookNode]:
    joined: list[NotebookNode] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output["output_type"] == "stream" and previous is not None
                and previous["output_type"] == "stream" and previous["name"] == output["name"]):
            previous = joined[-1] = NotebookNode({**previous, "text": previous["text"] + output["text"]})
        else:
            joined.append(output)
    return joined


def coalesce_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    return myst_nb_coalesce(join_chunks(outputs))


def setup(app: Sphinx) -> dict:
    myst_nb.core.render.coalesce_streams = coalesce_streams
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
