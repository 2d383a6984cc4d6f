"""Command line: ``python -m mygrad plugins [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

import mygrad
from mygrad.plugins import plugins


def _plugins(as_json: bool) -> int:
    infos = [p.as_dict() for p in plugins()]
    if as_json:
        print(json.dumps({"mygrad": mygrad.__version__, "plugins": infos}, indent=2))
        return 0
    print(f"mygrad {mygrad.__version__} ({mygrad.__file__})")
    for p in infos:
        dist = f"{p['distribution']} {p['version']}" if p["distribution"] else "(run time)"
        print(f"\n{p['name']}: {p['status']}  [{dist}]")
        if p["error"]:
            print(f"  {p['error']}")
        if p["hooks"]:
            print(f"  hooks: {', '.join(p['hooks'])}")
        for ns, names in sorted(p["ops"].items()):
            print(f"  {ns} ({len(names)}): {', '.join(names)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mygrad", description="mygrad utilities")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plugins", help="list plugins: distribution, version, status, hooks, ops")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if args.command == "plugins":
        return _plugins(args.json)
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
