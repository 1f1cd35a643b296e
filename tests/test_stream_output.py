"""A cell's printed output is the same however ipykernel happened to chunk it."""

from nbformat import NotebookNode
from stream_output import coalesce_streams


def stream(text: str, name: str = "stdout") -> NotebookNode:
    return NotebookNode({"output_type": "stream", "name": name, "text": text})


def test_a_print_split_in_two_chunks_stays_one_line():
    chunked = coalesce_streams([stream("PowBackward0"), stream(" PowBackward1\n")])
    whole = coalesce_streams([stream("PowBackward0 PowBackward1\n")])
    assert [o["text"] for o in chunked] == [o["text"] for o in whole] == ["PowBackward0 PowBackward1\n"]


def test_streams_are_not_joined_across_names():
    merged = coalesce_streams([stream("out\n"), stream("err\n", "stderr"), stream("more\n")])
    assert sorted(o["text"] for o in merged) == ["err\n", "out\nmore\n"]
