"""``make test-matrix``: the test suite on every Python 3.11+ on this machine,
each with the oldest NumPy the packages declare (the oldest release with a
wheel for that Python) and with the newest NumPy < 3.

Each cell gets its own virtual environment under ``.venv-matrix/`` (reused
on the next run) with the four distributions and the example plugin
installed as editable. Extra arguments go to pytest (e.g. ``make
test-matrix MATRIX_ARGS="-x tests/core"``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENVS = ROOT / ".venv-matrix"
PYTHONS = ["3.11", "3.12", "3.13", "3.14"]
#: the oldest NumPy the packages declare is 2.0; a Python too new for 2.0's
#: wheels gets the first release that has them
OLDEST_CANDIDATES = ["2.0.2", "2.1.3", "2.2.6", "2.3.5"]
EDITABLE = [".", "mygrad_ops_math", "mygrad_ops_linalg", "mygrad_ops_nnet", "examples/mygrad-ops-extra"]


def _candidates(version: str) -> list[str]:
    """Interpreters that may be Python ``version``: the one on PATH, then
    pyenv's installed versions (its shims on PATH answer only for the
    versions a project selected)."""
    found = [shutil.which(f"python{version}")]
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found += sorted(str(p) for p in root.glob(f"{version}*/bin/python{version}"))
    return [exe for exe in found if exe]


def _python(version: str) -> str | None:
    want = str(tuple(map(int, version.split("."))))
    for exe in _candidates(version):
        ok = subprocess.run([exe, "-c", "import sys, venv; print(sys.version_info[:2])"], capture_output=True,
                            text=True)
        if ok.returncode == 0 and ok.stdout.strip() == want:
            return exe
    return None


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, text=True, **kw)


def _venv(python: str, name: str, numpy_spec: list[str]) -> Path | None:
    """A venv with NumPy from ``numpy_spec`` (the first that installs as a
    wheel) and the project; None if no candidate installs."""
    venv = VENVS / name
    py = venv / "bin" / "python"
    if not py.exists():
        _run([python, "-m", "venv", str(venv)], check=True)
        _run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    for spec in numpy_spec:
        got = _run([str(py), "-m", "pip", "install", "-q", "--only-binary=:all:", spec],
                   capture_output=True)
        if got.returncode == 0:
            break
    else:
        return None
    args = [str(py), "-m", "pip", "install", "-q", "pytest>=8", "hypothesis>=6.100"]
    for e in EDITABLE:
        args += ["-e", str(ROOT / e)]
    _run(args, check=True)
    return venv


def main(pytest_args: list[str]) -> int:
    cells = []
    for version in PYTHONS:
        python = _python(version)
        if python is None:
            continue
        cells.append((version, "oldest", python, [f"numpy=={v}" for v in OLDEST_CANDIDATES]))
        cells.append((version, "newest", python, ["numpy<3"]))
    if not cells:
        print("no Python 3.11+ found")
        return 1
    results = []
    for version, which, python, spec in cells:
        name = f"py{version}-numpy-{which}"
        print(f"\n=== {name}: setting up", flush=True)
        venv = _venv(python, name, spec)
        if venv is None:
            results.append((name, "no NumPy wheel", 1, 0.0))
            continue
        py = str(venv / "bin" / "python")
        numpy_version = _run([py, "-c", "import numpy; print(numpy.__version__)"], capture_output=True).stdout.strip()
        print(f"=== {name}: Python {version}, NumPy {numpy_version}: running the tests", flush=True)
        start = time.time()
        code = _run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args], cwd=ROOT,
                    env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}).returncode
        results.append((f"{name} (NumPy {numpy_version})", "passed" if code == 0 else "FAILED", code,
                        time.time() - start))
    print("\n=== test matrix")
    for name, status, _, seconds in results:
        print(f"  {name:40s} {status:15s} {seconds:6.0f} s")
    return 0 if all(code == 0 for _, _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
