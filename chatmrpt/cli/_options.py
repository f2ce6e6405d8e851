"""Command-line options generated from the parameter declarations.

A command lists which declared parameters it takes (``add_options``) and reads them back as
a request (``option_values``), which the declaration then checks: the flags, choices,
defaults and help of ``chatmrpt analyze``, ``itn``, ``reprioritize`` and ``tpr`` are those
of ``chatmrpt.analysis.declarations``, as are the HTTP API's and the chat's.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chatmrpt.analysis.declarations import Declared, Option
from chatmrpt.errors import InputError

POPULATION_ROLES = ("total", "u5", "women")
# where the service and its job consumers keep their records and files
CONFIGURED_STORAGE = (
    "the configured store (CHATMRPT_STORE_URL) and artifact storage (CHATMRPT_ARTIFACTS_URL)"
)
BOUNDARIES_HELP = "ward boundaries (zipped shapefile, GeoJSON, GeoPackage, GeoParquet)"


def _chosen(params: type[Declared], names: Iterable[str] | None) -> tuple[Option, ...]:
    if names is None:
        return params.OPTIONS
    return tuple(params.option(n) for n in names)


def option_help(o: Option) -> str:
    default = o.default_text
    text = o.help.rstrip(".")
    text = f"{text} (default {default})" if default is not None else text
    return text.replace("%", "%%")  # argparse formats help with %


def add_options(
    parser: argparse.ArgumentParser,
    params: type[Declared],
    names: Iterable[str] | None = None,
) -> None:
    """One option per declared parameter of ``params`` (or of the ones ``names``)."""
    for o in _chosen(params, names):
        kwargs: dict[str, Any] = {"dest": o.name, "help": option_help(o)}
        if o.required:
            kwargs["required"] = True
        if o.kind == "flag":
            kwargs["action"] = "store_true"
        elif o.kind == "mapping":
            kwargs["action"] = "append"  # --direction rainfall=inverse, repeatable
            kwargs["help"] += " (repeatable)"
        else:
            if o.kind == "choice":
                kwargs["choices"] = o.choices
            if not o.required:
                kwargs["default"] = o.default
        if o.metavar:
            kwargs["metavar"] = o.metavar
        elif o.flag and o.kind != "flag":
            kwargs["metavar"] = o.flag.lstrip("-").upper().replace("-", "_")
        parser.add_argument(o.cli_flag, **kwargs)


def option_values(
    args: argparse.Namespace, params: type[Declared], names: Iterable[str] | None = None
) -> dict[str, Any]:
    """The parsed options as a request for ``params.from_dict``."""
    return {o.name: getattr(args, o.name) for o in _chosen(params, names)}


def add_output(parser: argparse.ArgumentParser, help: str, metavar: str | None = None,
               progress: bool = False) -> None:
    """--out (required) and --quiet, which silences the summary (and the progress bar)."""
    parser.add_argument("--out", type=Path, required=True, metavar=metavar, help=help)
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar or summary" if progress else "no summary")


def output_file(out: Path, example: str) -> Path:
    """--out for a command that writes one CSV file: refused when it names a folder."""
    out = Path(out)
    if out.is_dir():
        raise InputError(
            "invalid_parameter",
            f"--out {out} is a folder; give the CSV file to write, e.g. {out / example}.",
            details={"out": str(out)},
        )
    return out


def run_alone(command, argv: list[str] | None) -> int:
    """One command without the other sub-commands (a lighter start): ``chatmrpt NAME``."""
    parser = argparse.ArgumentParser(prog=f"chatmrpt {command.NAME}",
                                     description=command.DESCRIPTION)
    command.register(parser)
    return command.run(parser.parse_args(argv))


def parse_population(values: list[str]) -> tuple[Path | None, dict[str, Path]]:
    """``--population`` values → (a table or total raster, {kind: raster})."""
    single: Path | None = None
    rasters: dict[str, Path] = {}
    for text in values:
        kind, sep, path = text.partition("=")
        if sep and kind.strip().lower() in POPULATION_ROLES:
            kind = kind.strip().lower()
            if kind == "total" and single is None:
                single = Path(path)
            elif kind in rasters or kind == "total":
                raise InputError("invalid_parameter",
                                 f"--population {kind}= was given twice; give each kind once.")
            else:
                rasters[kind] = Path(path)
        elif single is None:
            single = Path(text)
        else:
            raise InputError(
                "invalid_parameter",
                "Two population files were given without a kind; give one table or raster, "
                "and mark age-group rasters as u5=FILE or women=FILE.",
            )
    if rasters and single is None:
        raise InputError("invalid_parameter",
                         "Age-group population rasters need the total population too: add "
                         "--population FILE (the total).")
    return single, rasters
