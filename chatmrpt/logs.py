"""Logs as one JSON object per line, for every process of the service.

``configure_logging`` is what ``chatmrpt serve``, ``chatmrpt web``, ``chatmrpt worker`` and
the consumer processes they start call first; any ``extra={...}`` fields given to a log
call become fields of the line. No web framework here: job consumers use it too.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import socket
import sys
import traceback
from typing import Any

# LogRecord attributes that are not ``extra`` fields
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "host", "pid", ...extra, "exc"}``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host = socket.gethostname()

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": _dt.datetime.fromtimestamp(record.created, _dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "host": self.host,
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(level: str | None = None) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` (also given to Gunicorn as ``logconfig_dict``)."""
    level = (level or os.environ.get("CHATMRPT_LOG_LEVEL") or "INFO").upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            # requests are logged by the application, with route templates and request ids
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "huey": {"level": "WARNING"},
            "botocore": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }


def configure_logging(level: str | None = None) -> None:
    import logging.config

    logging.config.dictConfig(logging_config(level))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
    logging.getLogger("chatmrpt").critical("uncaught exception", exc_info=(exc_type, exc, tb))


