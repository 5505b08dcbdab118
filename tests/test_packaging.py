"""`make release VERSION=x.y.z` sets the version once the changelog names it and builds a zip that passes
the checks plugins.qgis.org runs on an upload (qgis/QGIS-Django, qgis-app/plugins/validator.py: size at most
25 MB, no path climbing out, no .pyc, __pycache__, .git or __MACOSX, a sound zip, one top folder whose name is
a plain identifier holding __init__.py, metadata.txt with a [general] section and the required fields, web
addresses with a scheme and a host, a LICENSE, an author without slashes), plus this project's own: no test,
bench or developer files, and every translation compiled."""

import configparser
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SET_VERSION = REPO / ".ci" / "set-version"
PLUGIN = "map_server_cache"
MAX_UPLOAD = 25_000_000                      # the repository's PLUGIN_MAX_UPLOAD_SIZE
SANE_SIZE = 5_000_000                        # this plugin's code, icon and translations are well under 1 MB
REQUIRED = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker",
            "repository")
QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")
DEVELOPER_ONLY = {"tests", "test", "bench", "demo", "docs", ".ci", ".git", "__pycache__", "__MACOSX"}


def repository_problems(path: Path) -> list[str]:
    """What plugins.qgis.org (and this project) would refuse in the zip at `path`; empty when accepted."""
    problems = []
    if path.stat().st_size > min(MAX_UPLOAD, SANE_SIZE):
        problems.append(f"{path.stat().st_size} bytes")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        problems += [f"unsafe name {name}" for name in names if ".." in name or name.startswith("/")]
        problems += [f"compiled Python {name}" for name in names if ".pyc" in name]
        problems += [f"developer file {name}" for name in names if DEVELOPER_ONLY & set(name.split("/"))
                     or re.search(r"(^|/)(test_[^/]*|[^/]*_test\.py|\.[^/]+)$", name)]
        if archive.testzip() is not None:
            problems.append(f"bad zip entry {archive.testzip()}")
        tops = {name.split("/")[0] for name in names}
        if tops != {PLUGIN} or not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", PLUGIN):
            return [*problems, f"top folders {sorted(tops)}"]
        for needed in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{PLUGIN}/{needed}" not in names:
                problems.append(f"no {needed}")
        metadata = configparser.ConfigParser()        # as QGIS reads it: '%' interpolation on
        metadata.optionxform = str
        metadata.read_string(archive.read(f"{PLUGIN}/metadata.txt").decode("utf-8"))
        general = dict(metadata.items("general")) if metadata.has_section("general") else {}
        problems += [f"metadata without {key}" for key in REQUIRED if not general.get(key, "").strip()]
        problems += [f"{key}={general.get(key)} is no web address" for key in ("tracker", "repository",
                     "homepage") if not re.match(r"^https?://[^/\s]+", general.get(key, "https://x"))]
        if "/" in general.get("author", ""):
            problems.append("author holds a slash")
        if f"{PLUGIN}/{general.get('icon', '')}" not in names:
            problems.append(f"no icon {general.get('icon')}")
        for ts in sorted(REPO.glob("i18n/*.ts")):
            qm = f"{PLUGIN}/i18n/{ts.stem}.qm"
            if qm not in names or not archive.read(qm).startswith(QM_MAGIC):
                problems.append(f"no compiled {qm}")
    return problems


def test_release_builds_the_zip_the_plugin_repository_accepts():
    version = configparser.ConfigParser()
    version.read(REPO / "metadata.txt")
    current = version["general"]["version"]
    built = subprocess.run(["make", "-s", "release", f"VERSION={current}"], cwd=REPO, capture_output=True,
                           text=True, check=True)
    path = REPO / built.stdout.strip().splitlines()[-1]
    assert path.name == f"{PLUGIN}-{current}.zip"
    assert repository_problems(path) == []
    with zipfile.ZipFile(path) as archive:
        packed = configparser.ConfigParser()
        packed.read_string(archive.read(f"{PLUGIN}/metadata.txt").decode())
        assert packed["general"]["version"] == current
        assert packed["general"]["hasProcessingProvider"] == "yes"
        assert packed["general"]["qgisMinimumVersion"] == "3.22"


def test_the_checks_refuse_what_the_repository_refuses(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr(f"{PLUGIN}/__init__.py", "")
        archive.writestr(f"{PLUGIN}/metadata.txt", "[general]\nname=x\nversion=1.0.0\ntracker=bugs\n")
        archive.writestr(f"{PLUGIN}/core/__pycache__/scheme.cpython-311.pyc", b"")
        archive.writestr(f"{PLUGIN}/tests/test_scheme.py", "")
        archive.writestr(f"{PLUGIN}/.gitignore", "")
    problems = repository_problems(bad)
    for expected in ("no LICENSE", "metadata without author", "tracker=bugs is no web address",
                     f"compiled Python {PLUGIN}/core/__pycache__/scheme.cpython-311.pyc",
                     f"developer file {PLUGIN}/tests/test_scheme.py", f"developer file {PLUGIN}/.gitignore",
                     f"no compiled {PLUGIN}/i18n/map_server_cache_de.qm"):
        assert expected in problems
    with zipfile.ZipFile(bad, "a") as archive:
        archive.writestr("other/__init__.py", "")
    assert repository_problems(bad)[-1] == f"top folders ['{PLUGIN}', 'other']"


def test_set_version_needs_a_changelog_entry_and_changes_only_the_version(tmp_path):
    metadata = tmp_path / "metadata.txt"
    shutil.copy(REPO / "metadata.txt", metadata)
    before = metadata.read_text()
    refused = subprocess.run([str(SET_VERSION), "9.8.7", str(metadata)], capture_output=True, text=True)
    assert refused.returncode == 1
    assert f"{metadata}: the changelog has no entry for 9.8.7" in refused.stderr
    assert metadata.read_text() == before
    assert subprocess.run([str(SET_VERSION), "9.8", str(metadata)], capture_output=True).returncode == 1
    entry = before.replace("changelog=", "changelog=9.8.7\n    - Something new.\n    ", 1)
    metadata.write_text(entry)
    subprocess.run([str(SET_VERSION), "9.8.7", str(metadata)], capture_output=True, check=True)
    assert metadata.read_text() == re.sub(r"(?m)^version=.*$", "version=9.8.7", entry)
    assert metadata.read_text() != entry
