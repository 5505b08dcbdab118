"""core/ must run without QGIS (workers, headless tools): importing every module loads no qgis or PyQt."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLUGINS = REPO / "build" / "plugins"

CHECK = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0].startswith(("qgis", "PyQt")))
print("\\n".join(loaded))
"""


def core_modules():
    core = REPO / "core"
    for path in sorted(core.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(("map_server_cache",) + parts)


def test_core_imports_without_qgis():
    modules = list(core_modules())
    assert "map_server_cache.core.scheme" in modules
    python = REPO / ".venv" / "bin" / "python"
    result = subprocess.run([str(python if python.exists() else sys.executable), "-c", CHECK, *modules],
                            cwd=PLUGINS, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(PLUGINS), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"core/ pulled in: {result.stdout}"
