"""Write the manifests of mygrad's own packs and of the example plugin.

Each pack ships ``mygrad-manifest.json`` next to its module (what its
``mygrad_ops`` hook registers: mygrad imports the pack on first use of one of
those names), and the core keeps a copy of the three packs' manifests in
``mygrad/_plugins/pack_manifests.json`` (to name the pack to install when one
is missing). Run after changing what a pack registers::

    .venv/bin/python tools/sync_manifests.py          # write
    .venv/bin/python tools/sync_manifests.py --check  # exit 1 if out of date

``tests/plugins/test_manifests.py`` runs the check.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: plugin name -> (distribution, manifest path)
SHIPPED = {
    "math": ("mygrad-ops-math", ROOT / "mygrad_ops_math/src/mygrad_ops_math/mygrad-manifest.json"),
    "linalg": ("mygrad-ops-linalg", ROOT / "mygrad_ops_linalg/src/mygrad_ops_linalg/mygrad-manifest.json"),
    "nnet": ("mygrad-ops-nnet", ROOT / "mygrad_ops_nnet/src/mygrad_ops_nnet/mygrad-manifest.json"),
    "extra": ("mygrad-ops-extra", ROOT / "examples/mygrad-ops-extra/src/mygrad_ops_extra/mygrad-manifest.json"),
}
CORE_COPY = ROOT / "mygrad/_plugins/pack_manifests.json"
CORE_PACKS = ("math", "linalg", "nnet")


def dumps(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def expected() -> dict[Path, str]:
    """Every file this tool writes -> its up-to-date text."""
    if os.environ.get("MYGRAD_PLUGINS"):
        raise SystemExit("unset MYGRAD_PLUGINS: every plugin must be enabled to write the manifests")
    from mygrad._plugins.registry import REGISTRY

    manifests = {name: REGISTRY.manifest_of(name) for name in SHIPPED}
    files = {path: dumps(manifests[name]) for name, (_, path) in SHIPPED.items()}
    files[CORE_COPY] = dumps({SHIPPED[name][0]: manifests[name] for name in CORE_PACKS})
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "written"
    for path in stale:
        print(f"{verb}: {path}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
