"""The same sources give the same site: a second clean build elsewhere is byte-identical.

The first build is the one `nox -s docs` left in _build/html (clean in CI; tests/test_rebuilds.py
shows that a rebuild gives the same bytes, so it need not be); the second is made here, from a
copy of docs/ in another directory, with its own empty execution cache, so every notebook runs
again. Both languages build side by side, as in `nox -s docs`.
"""

import shutil

from throwaway import build_all, differing_files

import guide_site


def test_second_clean_build_is_byte_identical(site, tmp_path):
    for folder in ("docs", "examples"):  # pages :load: code from examples/
        shutil.copytree(guide_site.ROOT / folder, tmp_path / folder)
    build_all(tmp_path, hosted=False)  # the addresses `nox -s docs` found, as the first build
    for folder in guide_site.LANGUAGES:
        differences = differing_files(site / folder, tmp_path / folder / "html")
        assert not differences, "two clean builds differ:\n" + "\n".join(differences)
