"""Command line:

``python -m mygrad plugins [--json] [--traceback]``
    list the installed plugins: distribution, version, status, hooks, ops
    (with ``--traceback``: the traceback of each plugin that failed to load).
``python -m mygrad manifest PLUGIN [--output FILE]``
    write a plugin's manifest (what it provides, so that mygrad can import it
    on first use): put it next to the plugin's module as ``mygrad-manifest.json``.
"""

from __future__ import annotations

import argparse
import json
import sys

import mygrad
from mygrad._plugins.discovery import MANIFEST_FILE
from mygrad._plugins.manager import MANAGER
from mygrad._plugins.registry import REGISTRY


def _plugins(as_json: bool, tracebacks: bool) -> int:
    MANAGER.load_all()  # (a diagnostic: import the plugins that wait for their first use)
    infos = [p.as_dict() for p in MANAGER.plugins()]
    if as_json:
        print(json.dumps({"mygrad": mygrad.__version__, "plugins": infos}, indent=2))
        return 0
    print(f"mygrad {mygrad.__version__} ({mygrad.__file__})")
    for p in infos:
        dist = f"{p['distribution']} {p['version']}" if p["distribution"] else "(run time)"
        print(f"\n{p['name']}: {p['status']}  [{dist}]")
        if p["error"]:
            print(f"  {p['error']}")
        if tracebacks and p["traceback"]:
            print("  " + p["traceback"].rstrip().replace("\n", "\n  "))
        if p["hooks"]:
            print(f"  hooks: {', '.join(p['hooks'])}")
        for ns, names in sorted(p["ops"].items()):
            print(f"  {ns} ({len(names)}): {', '.join(names)}")
    return 0


def _manifest(plugin: str, output: str | None) -> int:
    if plugin not in REGISTRY.plugins:
        why = MANAGER.failure(plugin)
        print(f"no plugin named {plugin!r} is registered" + (f": {why}" if why else ""), file=sys.stderr)
        return 1
    text = json.dumps(REGISTRY.manifest_of(plugin), indent=1) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text, end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mygrad", description="mygrad utilities")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plugins", help="list plugins: distribution, version, status, hooks, ops")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--traceback", action="store_true", help="show the traceback of each plugin that failed")
    m = sub.add_parser("manifest", help=f"write a plugin's manifest ({MANIFEST_FILE})")
    m.add_argument("plugin", help="the plugin's name (its entry-point name)")
    m.add_argument("--output", "-o", help="the file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.command == "plugins":
        return _plugins(args.json, args.traceback)
    if args.command == "manifest":
        return _manifest(args.plugin, args.output)
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
