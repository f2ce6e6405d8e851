"""``chatmrpt worker``: job consumers only, for scaling out (``chatmrpt web`` serves)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from chatmrpt.cli._options import CONFIGURED_STORAGE, run_alone
from chatmrpt.config import load_settings
from chatmrpt.errors import InputError
from chatmrpt.logs import configure_logging

NAME = "worker"
HELP = "run job consumers (analyses and other background work)"
DESCRIPTION = (
    f"Run job consumers against {CONFIGURED_STORAGE}. On SIGTERM or Ctrl-C a consumer takes no new job, "
    "lets the running one finish within the grace period, then hands it back to the queue."
)


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--consumers",
        type=int,
        default=1,
        metavar="N",
        help="number of consumer processes (default 1: this process)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=None,
        metavar="SECONDS",
        help="on SIGTERM, how long a running job may take to finish before it is handed "
        "back to the queue (default 25)",
    )
    parser.add_argument(
        "--kinds",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE to register further job kinds (repeatable)",
    )


def main(argv: list[str] | None = None) -> int:
    """``chatmrpt worker`` without the other sub-commands (a lighter start)."""
    return run_alone(sys.modules[__name__], argv)


def run(args: argparse.Namespace) -> int:
    # the job kinds load the analysis stack: imported when the command runs
    from chatmrpt.jobs.consumer import DEFAULT_GRACE_S, run_consumers

    if args.consumers < 1:
        raise InputError("invalid_parameter", "--consumers must be 1 or more.")
    grace = DEFAULT_GRACE_S if args.grace is None else args.grace
    if grace < 0:
        raise InputError("invalid_parameter", "--grace must be 0 or more seconds.")
    configure_logging()
    settings = load_settings()
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return run_consumers(settings, args.consumers, stop, grace_s=grace, kind_modules=args.kinds)
