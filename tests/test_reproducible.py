"""The same sources give the same site: two clean builds are byte-identical.

Every `nox -s docs` is a clean build over the kept execution cache (guide_site.clean_outputs) and
keeps the site the build before it made (guide_site.PREVIOUS). `.ci/run` builds twice (`nox -s docs`,
then `nox`), so this compares Sphinx's output of two builds without running every page a third time.
That running the code again gives the same outputs is checked where it runs again anyway:
tools/run_downloads.py compares each executed notebook's outputs with the site's.
"""

import pytest
from throwaway import differing_files

import guide_site


def test_two_clean_builds_of_the_same_sources_are_byte_identical(site):
    digests = [
        path.read_text(encoding="utf-8") if path.exists() else None
        for path in (guide_site.BUILD / "sources.sha256", guide_site.PREVIOUS / "sources.sha256")
    ]
    if None in digests or digests[0] != digests[1]:
        pytest.skip("the build before this one was of other sources: run `nox -s docs` twice (.ci/run does)")
    differences = differing_files(guide_site.PREVIOUS / "html", site)
    assert not differences, "two clean builds differ:\n" + "\n".join(differences)
