"""``chatmrpt serve``: web workers and job consumers together (the embedded default)."""

from __future__ import annotations

import argparse

from chatmrpt.cli.web import add_web_arguments
from chatmrpt.config import load_settings
from chatmrpt.errors import InputError
from chatmrpt.logs import configure_logging

NAME = "serve"
HELP = "run the web service and its job consumers (one machine)"
DESCRIPTION = (
    "Run the web service (Gunicorn with several threaded workers) and the job consumers "
    "together, against the configured store and artifact storage (by default SQLite and a "
    "folder under CHATMRPT_HOME). A process that dies is started again; Ctrl-C or SIGTERM "
    "stops everything cleanly. For several machines run `chatmrpt web` and "
    "`chatmrpt worker` separately against Redis and S3-compatible storage."
)


def register(parser: argparse.ArgumentParser) -> None:
    add_web_arguments(parser)
    parser.add_argument(
        "--consumers", type=int, default=1, metavar="N", help="job consumer processes (default 1)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=None,
        metavar="SECONDS",
        help="on stop, how long a running job may take to finish before it is handed back "
        "to the queue (default 25)",
    )


def run(args: argparse.Namespace) -> int:
    # the web package loads Flask and Gunicorn: imported when the command runs
    from chatmrpt.web.serving import check_bind, serve

    for name in ("workers", "consumers", "threads"):
        if getattr(args, name) < 1:
            raise InputError("invalid_parameter", f"--{name} must be 1 or more.")
    if args.grace is not None and args.grace < 0:
        raise InputError("invalid_parameter", "--grace must be 0 or more seconds.")
    check_bind(args.bind)
    configure_logging()
    settings = load_settings()
    return serve(settings, args.bind, args.workers, args.consumers, args.threads, args.grace)
