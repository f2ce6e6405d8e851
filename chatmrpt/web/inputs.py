"""Reading request input strictly: JSON bodies, multipart uploads, query parameters.

JSON bodies must be objects with known fields; ``NaN``/``Infinity`` literals, nesting
beyond reason, unknown fields and wrong content types are refused with 400/415
before any service code runs. Upload field names are fixed; the client's file name is
only ever displayed (``jobs.files.display_name``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import FileStorage, MultiDict

from chatmrpt.errors import InputError

MAX_NUMBER = 1e15  # well past any count of nets, people or wards
JSON_TYPES = ("application/json",)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _check_numbers(data: Any) -> None:
    """Refuse numbers no parameter can mean (1e308 nets...) with a message naming them.

    Iterative: a body nested a few hundred levels deep must not exhaust the stack.
    """
    todo: list[tuple[Any, str]] = [(data, "")]
    while todo:
        value, path = todo.pop()
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                where = path[:80] or "the request"
                raise InputError(
                    "invalid_parameter",
                    f"The number given for {where} is out of range; numbers must be finite "
                    f"and at most {MAX_NUMBER:.0e} in size.",
                    details={"field": path[:80] or None},
                )
        elif isinstance(value, dict):
            todo.extend(
                (item, f"{path}.{key}" if path else str(key)) for key, item in value.items()
            )
        elif isinstance(value, list):
            todo.extend((item, f"{path}[{i}]") for i, item in enumerate(value))


def read_json(allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
    """The request's JSON object. An empty body is ``{}``."""
    allowed = tuple(allowed)
    limit = current_app.config.get("JSON_MAX_BYTES", 1024 * 1024)
    too_large = InputError(
        "payload_too_large",
        f"A JSON request body may hold at most {limit // 1024} KB of parameters.",
        details={"max_bytes": limit},
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise too_large
    if not raw.strip():
        data: Any = {}
    else:
        mimetype = request.mimetype or ""
        if mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
            raise InputError(
                "unsupported_media_type",
                "Send the parameters as JSON, with Content-Type: application/json.",
                details={"content_type": mimetype or None},
            )
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InputError(
                "invalid_request",
                f"The request body is not valid JSON ({str(exc)[:120]}).",
            ) from None
    if not isinstance(data, dict):
        raise InputError(
            "invalid_request", 'The request body must be a JSON object, e.g. {"total_nets": 1000}.'
        )
    _refuse_unknown(set(data) - set(allowed), allowed, "field(s)")
    missing = [k for k in required if k not in data]
    if missing:
        raise InputError(
            "invalid_request",
            f"Missing field(s): {', '.join(missing)}.",
            details={"missing": missing},
        )
    _check_numbers(data)
    return data


def expect_type(data: dict[str, Any], name: str, *types: type, nullable: bool = True) -> Any:
    """``data[name]`` when it has one of ``types`` (bool is never a number here)."""
    value = data.get(name)
    if value is None and nullable:
        return None
    number_wanted = any(t in (int, float) for t in types)
    if isinstance(value, bool) and bool not in types:
        ok = False
    else:
        ok = isinstance(value, types) or (number_wanted and isinstance(value, int | float))
    if not ok:
        names = "/".join(
            {"str": "text", "int": "number", "float": "number", "list": "list", "dict": "object",
             "bool": "true or false"}.get(t.__name__, t.__name__)
            for t in types
        )  # fmt: skip
        raise InputError(
            "invalid_parameter",
            f"{name} must be {names}.",
            details={"parameter": name},
        )
    return value


def read_form(
    files: Iterable[str], fields: Iterable[str], required_files: Iterable[str] = ()
) -> tuple[dict[str, FileStorage], dict[str, str]]:
    """The multipart upload's files and text fields, by their fixed names."""
    files, fields = tuple(files), tuple(fields)
    mimetype = request.mimetype or ""
    if mimetype != "multipart/form-data":
        raise InputError(
            "unsupported_media_type",
            "Upload files as multipart/form-data (an HTML form with enctype "
            '"multipart/form-data", or curl -F).',
            details={"content_type": mimetype or None},
        )
    unknown = (set(request.files) - set(files)) | (set(request.form) - set(fields))
    _refuse_unknown(unknown, files + fields, "form field(s)")
    out_files = _once(request.files, files, "Send one {name} file, not {count}.")
    for name in required_files:
        if name not in out_files:
            raise InputError(
                "invalid_request",
                f"The upload has no {name!r} file; send it as the form field {name!r}.",
                details={"missing": [name]},
            )
    return out_files, _once(request.form, fields, "Send {name} once, not {count} times.")


def _refuse_unknown(names: set[str], accepted: tuple[str, ...], what: str) -> None:
    """400 naming the first few of the unknown ``names``, if any."""
    unknown = [k[:40] for k in sorted(names)[:10]]
    if unknown:
        raise InputError(
            "invalid_request",
            f"Unknown {what}: {', '.join(unknown)}. Accepted: {', '.join(accepted) or 'none'}.",
            details={"unknown": unknown, "accepted": list(accepted)},
        )


def _once(got: MultiDict, names: tuple[str, ...], twice: str) -> dict[str, Any]:
    """The value sent for each of ``names`` that was sent, by name; 400 with ``twice``
    (formatted with the ``name`` and the ``count``) for one sent more than once."""
    out = {}
    for name in names:
        values = got.getlist(name)
        if len(values) > 1:
            raise InputError("invalid_request", twice.format(name=name, count=len(values)))
        if values:
            out[name] = values[0]
    return out


def _invalid(name: str, message: str, **details: Any) -> InputError:
    return InputError("invalid_parameter", message, details={"parameter": name, **details})


def query_int(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _invalid(name, f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise _invalid(name, f"{name} must be between {low} and {high}.")
    return value


def query_choice(name: str, choices: Iterable[str], default: str) -> str:
    choices = tuple(choices)
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise _invalid(name, f"{name} must be one of {', '.join(choices)}.", choices=list(choices))
    return raw


_DEFAULT: Any = object()


@dataclass(frozen=True)
class Query:
    """A query parameter of a route: the view reads it with :meth:`read`, and the API's
    description (``chatmrpt.web.openapi``) documents it from the same object.

    A whole number when it has a ``minimum``, one of ``choices`` when it has them, otherwise
    text of at most ``max_length`` characters. An absent or empty value is ``default``.
    """

    name: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200
    default: Any = None

    def read(self, default: Any = _DEFAULT) -> Any:
        fallback = self.default if default is _DEFAULT else default
        if self.choices:
            return query_choice(self.name, self.choices, fallback)
        if self.minimum is not None:
            high = self.maximum if self.maximum is not None else 2**62
            return query_int(self.name, fallback, self.minimum, high)
        raw = request.args.get(self.name)
        if raw is None or raw == "":
            return fallback
        if len(raw) > self.max_length:
            raise _invalid(self.name, f"{self.name} is too long (at most {self.max_length} "
                           "characters).")
        return raw
