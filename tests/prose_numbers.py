"""The numbers a page's prose states, section by section, and the numbers its execution produced.

A number written in a sentence ("`a.grad` is 2", "∂c/∂a = b = 5") must appear among the numbers of
the executed notebook up to the end of its section (the text between two headings), as the kernel
had run it by then (for the introduction under the title: the whole page), in a code cell's
source (its hidden assertion, usually), its outputs or a doctest block; a number with d decimals
also matches a value that rounds to it ("about 37" for a printed 36.91). And the twins of a
section must state the same numbers. So a number changed in one language's prose, or a number no
cell computes, is caught; a number written as a word ("two inputs", 两个输入) is not a number here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?!\w)")
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.S | re.M)
# An admonition's body is prose: its fences and options go before FENCE sees it.
PROSE_DIRECTIVE = re.compile(
    r"^(`{3,}|~{3,})\{(?:admonition|note|tip|hint|important|seealso|warning|caution|attention|danger|error)\}"
    r"[^\n]*\n(?::[\w-]+:[^\n]*\n)*(.*?)^\1[ \t]*$",
    re.S | re.M,
)
HEADING = re.compile(r"^#{1,6} ", re.M)
NOT_PROSE = [
    re.compile(r"^#{1,6} .*$", re.M),  # headings: the section's name
    re.compile(r"\{(?:doc|ref|numref|download|term)\}`[^`]*`"),  # cross-references
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^\s*(?:\d+\.|[-*+])\s", re.M),  # list markers
    re.compile(r"^\(.*\)=\s*$", re.M),  # labels
]


def numbers(text: str) -> set[float]:
    text = text.replace("\u2212", "-")  # the minus sign
    text = re.sub(r"(?<=\d)(?:,|\\,)(?=\d{3}(?!\d))", "", text)  # 1,000 and LaTeX's 1\,000
    text = re.sub(r"\b(\d+)s\b", r"\1", text)  # "the original 1s"
    text = re.sub(r"\b10(?:\^\{?|\s*\*\*\s*\(?)(-?\d+)[})]?", r"1e\1", text)  # 10^{-6} and 10**-6
    return {float(n) for n in NUMBER.findall(text)}


@dataclass
class Section:
    heading: str
    prose: set[float] = field(default_factory=set)
    evidence: set[float] = field(default_factory=set)


def sections(cells: list[tuple[str, str, str]]) -> list[Section]:
    """cells: (cell_type, source, the text of its outputs) in page order. A section's evidence
    includes the sections before it; the page's introduction, which previews it, has the whole page's."""
    found = [Section("(top of the page)")]
    for kind, source, outputs in cells:
        if kind != "markdown":
            found[-1].evidence |= numbers(source) | numbers(outputs)
            continue
        starts = [m.start() for m in HEADING.finditer(source)]
        pieces = [source[a:b] for a, b in zip([0, *starts], [*starts, len(source)])]
        for index, piece in enumerate(pieces):
            if index > 0:
                found.append(Section(piece.splitlines()[0], evidence=set(found[-1].evidence)))
            piece = PROSE_DIRECTIVE.sub(lambda m: m.group(2), piece)
            fenced = "\n".join(m.group(0) for m in FENCE.finditer(piece))
            prose = FENCE.sub(" ", piece)
            for pattern in NOT_PROSE:
                prose = pattern.sub(" ", prose)
            found[-1].prose |= numbers(prose)
            found[-1].evidence |= numbers(fenced)
    for intro in found[:2]:  # before the first code cell and the title's section: they preview the page
        intro.evidence |= found[-1].evidence
    return found


def decimals(value: float) -> int:
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def backed(value: float, evidence: set[float]) -> bool:
    return value in evidence or any(round(e, decimals(value)) == value for e in evidence)


def show(values: set[float]) -> str:
    return ", ".join(f"{v:g}" for v in sorted(values))


def problems(page: str, zh: list[Section], en: list[Section]) -> list[str]:
    if len(zh) != len(en):
        return [f"{page}: {len(zh)} sections in zh, {len(en)} in en"]
    found = []
    for z, e in zip(zh, en):
        where = f"{page}, section {e.heading!r}"
        if z.prose != e.prose:
            found.append(
                f"{where}: prose numbers differ: only zh {show(z.prose - e.prose) or '-'}; only en {show(e.prose - z.prose) or '-'}"
            )
        for folder, section in (("zh", z), ("en", e)):
            if missing := {value for value in section.prose if not backed(value, section.evidence)}:
                found.append(
                    f"{where} (docs/{folder}): prose states {show(missing)}, which no code cell, "
                    "output or doctest of the section contains"
                )
    return found
