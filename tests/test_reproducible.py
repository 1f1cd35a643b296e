"""The same sources give the same site: a second clean build elsewhere is byte-identical.

The first build is the one `nox -s docs` left in _build/html (clean in CI); the second is made
here, from a copy of docs/ in another directory, with its own empty execution cache, so every
notebook runs again.
"""

import filecmp
import os
import shutil
import subprocess
import sys

from conftest import ROOT, SITE

LANGUAGES = {"zh": "zh_CN", "en": "en"}


# Sphinx's incremental-build record: a hash of the configuration, whose paths are absolute.
# It is bookkeeping for the next build, not part of what readers get.
IGNORED = [".buildinfo"]


def differing_files(left, right) -> list[str]:
    comparison = filecmp.dircmp(left, right, ignore=IGNORED)
    found = [f"only in {left}: {name}" for name in comparison.left_only]
    found += [f"only in {right}: {name}" for name in comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [f"differs: {left / name}" for name in mismatch + errors]
    for name in comparison.common_dirs:
        found += differing_files(left / name, right / name)
    return found


def test_second_clean_build_is_byte_identical(site, tmp_path):
    for folder in ("docs", "examples"):  # pages :load: code from examples/
        shutil.copytree(ROOT / folder, tmp_path / folder)
    env = {**os.environ}
    stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    if stamp.stdout.strip():
        env["SOURCE_DATE_EPOCH"] = stamp.stdout.strip()  # as noxfile.py sets it
    for folder, language in LANGUAGES.items():
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(ROOT), "-W", "-n", "--keep-going",
             "-D", f"language={language}", "-D", f"nb_execution_cache_path={tmp_path / 'cache'}",
             "-d", str(tmp_path / folder / "doctrees"), str(tmp_path / "docs" / folder), str(tmp_path / folder / "html")],
            capture_output=True, text=True, env=env,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        differences = differing_files(site / folder, tmp_path / folder / "html")
        assert not differences, "two clean builds differ:\n" + "\n".join(differences)
