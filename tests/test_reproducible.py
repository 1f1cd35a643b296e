"""The same sources give the same site: a second clean build elsewhere is byte-identical.

The first build is the one `nox -s docs` left in _build/html (always a clean build:
guide_site.clean_outputs); the second is made here, from a copy of docs/ in another directory, over
a copy of the execution cache, so that Sphinx's output is compared without running every notebook a
third time. That running the code again gives the same outputs is checked where it runs again
anyway: tools/run_downloads.py compares each executed notebook's outputs with the site's.
"""

import shutil

from throwaway import build_all, differing_files

import guide_site


def test_second_clean_build_is_byte_identical(site, tmp_path):
    for folder in ("docs", "examples"):  # pages :load: code from examples/
        shutil.copytree(guide_site.ROOT / folder, tmp_path / folder)
    shutil.copytree(guide_site.CACHE, tmp_path / "cache")
    outputs = build_all(tmp_path, hosted=False)  # the addresses `nox -s docs` found, as the first build
    assert not any("Executing notebook" in output for output in outputs.values()), "the cache was not used"
    for folder in guide_site.LANGUAGES:
        differences = differing_files(site / folder, tmp_path / folder / "html")
        assert not differences, "two clean builds differ:\n" + "\n".join(differences)
