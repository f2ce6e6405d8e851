"""The ``chatmrpt`` command.

Each sub-command lives in its own module in this package and exposes ``NAME``, ``HELP``,
``register(parser)`` and ``run(args) -> int`` (and optionally ``DESCRIPTION`` and an
``EPILOG`` printed as written); ``COMMANDS`` below lists them in the order
``--help`` shows them. A command module imports only what its parser needs (the parameter
declarations, which load no pandas) at the top; its ``run`` imports the modules that load
pandas, GeoPandas and the rest, so ``chatmrpt --help`` starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from chatmrpt import __version__
from chatmrpt.cli import (
    analyze,
    covariates,
    demo_data,
    itn,
    prepare,
    reprioritize,
    serve,
    tpr,
    web,
    worker,
)
from chatmrpt.errors import ChatMRPTError, InputError

EXIT_BAD_INPUT = 2


# in the order of `chatmrpt --help`
COMMANDS = (demo_data, prepare, analyze, reprioritize, itn, tpr, covariates, serve, web, worker)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatmrpt",
        description="Rank wards by malaria vulnerability and plan ITN distribution.",
    )
    parser.add_argument("--version", action="version", version=f"chatmrpt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in COMMANDS:
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP))
        if hasattr(mod, "EPILOG"):  # laid out by hand: printed as written
            p.epilog = mod.EPILOG
            p.formatter_class = argparse.RawDescriptionHelpFormatter
        mod.register(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except InputError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ChatMRPTError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): not an error of ours; keep Python from
        # complaining again when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
