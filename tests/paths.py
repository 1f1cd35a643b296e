"""The pages of each language, what the build executed of them, and the built site the tests read
(SITE=... overrides it)."""

import html
import os
import re
from pathlib import Path

from jupyter_cache import get_cache
from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
from stream_output import join_chunks

import guide_site
from autograd_guide.figure import LEGEND

SITE = Path(os.environ.get("SITE", guide_site.SITE))


def pages(folder: str) -> list[str]:
    return sorted(p.stem for p in (guide_site.DOCS / folder).glob("*.md"))


def is_notebook(folder: str, page: str) -> bool:
    return is_myst_markdown_notebook((guide_site.DOCS / folder / f"{page}.md").read_text(encoding="utf-8"))


def read(folder: str, page: str):
    path = guide_site.DOCS / folder / f"{page}.md"
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)


CACHES = {folder: guide_site.cache_folder(folder) for folder in guide_site.LANGUAGES}  # `nox -s docs` filled them


# A figure's own words (autograd_guide.figure): its legend and words in the other language compare equal.
FIGURE_WORDS = {LEGEND["zh"][key]: LEGEND["en"][key] for key in LEGEND["zh"]}
FIGURE = re.compile(r"<svg [^>]*>.*?</svg>", re.S)
LEGEND_ITEM = re.compile(r"<li>(?:<span [^>]*></span>)?([^<]*)</li>")


def figure_words(page: str) -> list[list[str]]:
    """The words drawn in each figure of an output, then its legend's, the zh ones translated."""
    figures = [[html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)] for svg in FIGURE.findall(page)]
    legend = [FIGURE_WORDS.get(html.unescape(t), html.unescape(t)) for t in LEGEND_ITEM.findall(page)]
    return [*figures, legend]


def executed_outputs(folder: str, page: str) -> list[list]:
    """The outputs the build really executed, from the execution cache that myst-nb filled."""
    cache = get_cache(CACHES[folder])
    record = cache.match_cache_notebook(read(folder, page))  # raises KeyError if never executed
    cells = []
    for cell in cache.get_cache_bundle(record.pk).nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in join_chunks(cell.get("outputs", [])):  # a stream may arrive in chunks
            data = out.get("data", {})
            page = data.get("text/html", "")
            if 'class="autograd-graph"' in page or 'class="flow-steps"' in page:  # a graph, or a step-through
                outputs.append(("figure", figure_words(page)))
            elif data:
                outputs.append(("data", {k: v for k, v in data.items() if k.startswith("text/")}))
            elif out["output_type"] == "stream":
                outputs.append((out["name"], out["text"]))
            elif out["output_type"] == "error":
                outputs.append(("error", out["ename"], out["evalue"]))
        cells.append(outputs)
    return cells
