"""`jupyter fastpreview <command>` (the `jupyter-fastpreview` script, which `jupyter` finds on
PATH). Each command is one module with a docstring (its help), `add_arguments(parser)` and
`run(args) -> int` (the exit status); a new command is one more line in `COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib

COMMANDS = {
    "bench": "jupyter_fastpreview.bench.command",
    "status": "jupyter_fastpreview.cli.status",
}
"""Command name -> its module."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jupyter fastpreview", description="Live preview of React + TypeScript apps."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        doc = module.__doc__ or ""
        command = commands.add_parser(
            name,
            help=doc.strip().splitlines()[0] if doc.strip() else None,
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    args = parser.parse_args(argv)
    return int(args.run(args))
