"""``chatmrpt web``: the web service alone (job consumers run as ``chatmrpt worker``)."""

from __future__ import annotations

import argparse
import sys

from chatmrpt.cli._options import CONFIGURED_STORAGE, run_alone
from chatmrpt.config import DEFAULT_BIND, load_settings
from chatmrpt.errors import InputError
from chatmrpt.logs import configure_logging

NAME = "web"
HELP = "run the web service alone (Gunicorn workers, no job consumers)"
DESCRIPTION = (
    "Run the web service: a Gunicorn master with several threaded workers, against "
    f"{CONFIGURED_STORAGE}. "
    "Analyses wait in the queue until a `chatmrpt worker` (on this or another machine) "
    "runs them; /readyz answers 503 while no consumer is alive."
)


def add_web_arguments(parser: argparse.ArgumentParser) -> None:
    """--bind, --workers and --threads: shared with ``chatmrpt serve``."""
    parser.add_argument(
        "--bind",
        default=DEFAULT_BIND,
        metavar="HOST:PORT",
        help=f"address (default {DEFAULT_BIND})",
    )
    parser.add_argument(
        "--workers", type=int, default=4, metavar="N", help="web worker processes (default 4)"
    )
    parser.add_argument(
        "--threads", type=int, default=8, metavar="N", help="threads per web worker (default 8)"
    )


def register(parser: argparse.ArgumentParser) -> None:
    add_web_arguments(parser)
    parser.add_argument(
        "--timeout", type=int, default=60, metavar="SECONDS", help="worker timeout (default 60)"
    )


def main(argv: list[str] | None = None) -> int:
    """``chatmrpt web`` without the other sub-commands (a lighter start)."""
    return run_alone(sys.modules[__name__], argv)


def run(args: argparse.Namespace) -> int:
    # the web package loads Flask and Gunicorn: imported when the command runs
    from chatmrpt.web.serving import check_port_free, ensure_metrics_dir, run_web

    for name in ("workers", "threads", "timeout"):
        if getattr(args, name) < 1:
            raise InputError("invalid_parameter", f"--{name} must be 1 or more.")
    check_port_free(args.bind)
    configure_logging()
    settings = load_settings()
    settings.get_secret_key()  # created once here, before the workers race for it
    ensure_metrics_dir(settings)
    return run_web(settings, args.bind, args.workers, args.threads, args.timeout)
