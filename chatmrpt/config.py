"""Settings from the environment, resolved once at start-up.

Every location the service uses comes from here and is absolute after ``load_settings``.
Nothing else in the project reads the environment for locations or addresses.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_BIND = "127.0.0.1:5013"


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on reading an upload (``chatmrpt.analysis.limits`` enforces them)."""

    xlsx_max_rows: int = 500_000
    xlsx_max_columns: int = 2_000
    xlsx_max_cells: int = 5_000_000  # rows x columns of a sheet's used rectangle
    xlsx_max_shared_strings: int = 1_000_000
    xlsx_max_cell_chars: int = 32_767  # Excel's own limit for one cell
    xlsx_max_xml_mb: int = 512  # uncompressed XML of the sheets read
    max_vertices: int = 5_000_000  # all ward boundaries of one upload
    max_ward_vertices: int = 500_000  # one ward


@dataclass(frozen=True)
class Settings:
    home: Path
    store_url: str
    artifacts_url: str
    max_upload_mb: int = 50
    secret_key: str | None = None  # None: read or create $home/secret_key on first use
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout_s: float = 30.0
    session_ttl_hours: float = 24 * 14
    job_lease_s: float = 30.0
    job_max_attempts: int = 3
    trust_proxy: bool = False
    s3_endpoint_url: str | None = None
    # an XYZ raster tile template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png: offered
    # in the page as an optional street map under the wards (maps never need it)
    basemap_url: str | None = None
    basemap_attribution: str = ""
    # a population table or raster for the whole deployment (CHATMRPT_POPULATION_FILE), used
    # for net planning when an upload brings no population of its own
    population_file: Path | None = None
    # a CSV of LGA code,name for the deployment (CHATMRPT_LGA_NAMES_FILE): wards whose
    # table carries LGA codes only are shown with these names
    lga_names_file: Path | None = None
    # bounds on reading an upload, checked before the costly reading (analysis.limits)
    xlsx_max_rows: int = 500_000
    xlsx_max_columns: int = 2_000
    xlsx_max_cells: int = 5_000_000
    xlsx_max_shared_strings: int = 1_000_000
    xlsx_max_cell_chars: int = 32_767
    xlsx_max_xml_mb: int = 512
    max_vertices: int = 5_000_000
    max_ward_vertices: int = 500_000
    # request rates: (requests, window seconds) per client address / per session; None: off
    rate_sessions: tuple[int, float] | None = (100, 60.0)
    rate_uploads: tuple[int, float] | None = (120, 60.0)
    rate_uploads_per_session: tuple[int, float] | None = (30, 60.0)
    rate_messages: tuple[int, float] | None = (300, 60.0)
    rate_messages_per_session: tuple[int, float] | None = (60, 60.0)
    rate_jobs: tuple[int, float] | None = (120, 60.0)
    rate_jobs_per_session: tuple[int, float] | None = (30, 60.0)
    # /readyz gives up on a store, queue or artifact check after this long
    ready_timeout_s: float = 2.0
    # a job still running after this long is stopped and failed (None: no limit); checked
    # at each of its progress reports, which the analysis steps make every few seconds
    job_timeout_s: float | None = 3600.0
    # each job of a consumer runs in a child process under this address-space limit, in
    # megabytes (None: no limit); past it the job fails with the reason memory_limit
    job_memory_mb: int | None = 4096
    # False: jobs run in a consumer thread (no memory limit, no hard time limit)
    job_isolation: bool = True
    # a job meeting a transient store or artifact storage error tries again, with backoff,
    # for this many seconds before it fails
    job_retry_window_s: float = 120.0
    # how long a chat reply waits for the analysis it started before saying "it is running"
    chat_wait_s: float = 20.0
    # uploads up to this size are read in the request (201 and the report at once); larger
    # ones are stored and read by an "ingest" job (202 and the job's id)
    ingest_sync_max_mb: float = 5.0
    # the deployment's raster library: a folder or an s3:// prefix holding catalogue.csv or
    # catalogue.json (see chatmrpt.service.covariates); None: no library
    rasters_url: str | None = None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def read_limits(self) -> ReadLimits:
        """The bounds on reading uploads, for ``chatmrpt.analysis.ingest``."""
        # each bound is the setting of the same name
        return ReadLimits(**{f.name: getattr(self, f.name) for f in fields(ReadLimits)})

    def get_secret_key(self) -> str:
        """The cookie-signing key shared by every worker and machine.

        From ``CHATMRPT_SECRET_KEY`` when set; otherwise generated once into
        ``$CHATMRPT_HOME/secret_key``. Creation uses O_EXCL so that several workers
        starting at once all end up with the same key.
        """
        if self.secret_key:
            return self.secret_key
        path = self.home / "secret_key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(32))
                    fh.flush()
                    os.fsync(fh.fileno())
        # another process may have created the file but not written it yet
        for _ in range(200):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        raise RuntimeError(f"secret key file {path} stays empty")


def _abs(path: str, base: Path) -> Path:
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = base / p
    return p.resolve()


def _resolve_url(url: str, base: Path) -> str:
    """Make a ``sqlite:///`` or ``file://`` URL absolute against ``base``.

    ``sqlite:///rel/path`` is relative to the home and ``sqlite:////abs/path`` absolute
    (the SQLAlchemy convention, which is what ``sqlite:///$CHATMRPT_HOME/...`` expands to).
    """
    if url.startswith("sqlite:///"):
        return "sqlite:///" + str(_abs(url[len("sqlite:///") :], base))
    parsed = urlparse(url)
    if parsed.scheme == "file":
        raw = parsed.path if parsed.netloc in ("", "localhost") else parsed.netloc + parsed.path
        return "file://" + str(_abs(raw, base))
    return url


def sqlite_path(url: str) -> Path:
    """The database file of a resolved ``sqlite:///`` URL."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"not a sqlite URL: {url!r}")
    return Path(url[len("sqlite:///") :])


def file_path(url: str) -> Path:
    """The folder of a resolved ``file://`` URL."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise ValueError(f"not a file URL: {url!r}")
    return Path(parsed.path)


def load_settings(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    home = _abs(env.get("CHATMRPT_HOME", "./var"), cwd)
    store_url = env.get("CHATMRPT_STORE_URL") or f"sqlite:///{home / 'chatmrpt.db'}"
    artifacts_url = env.get("CHATMRPT_ARTIFACTS_URL") or f"file://{home / 'artifacts'}"
    try:
        max_mb = int(env.get("CHATMRPT_MAX_UPLOAD_MB", "50"))
    except ValueError as exc:
        raise ValueError("CHATMRPT_MAX_UPLOAD_MB must be a whole number of megabytes") from exc
    return Settings(
        home=home,
        store_url=_resolve_url(store_url, home),
        artifacts_url=_resolve_url(artifacts_url, home),
        max_upload_mb=max_mb,
        secret_key=env.get("CHATMRPT_SECRET_KEY") or None,
        llm_base_url=env.get("CHATMRPT_LLM_BASE_URL") or None,
        llm_api_key=env.get("CHATMRPT_LLM_API_KEY") or None,
        llm_model=env.get("CHATMRPT_LLM_MODEL") or None,
        llm_timeout_s=float(env.get("CHATMRPT_LLM_TIMEOUT_S", "30")),
        session_ttl_hours=float(env.get("CHATMRPT_SESSION_TTL_HOURS", str(24 * 14))),
        job_lease_s=float(env.get("CHATMRPT_JOB_LEASE_S", "30")),
        job_max_attempts=int(env.get("CHATMRPT_JOB_MAX_ATTEMPTS", "3")),
        trust_proxy=env.get("CHATMRPT_TRUST_PROXY", "").lower() in ("1", "true", "yes"),
        s3_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        basemap_url=_basemap_url(env.get("CHATMRPT_BASEMAP_URL") or None),
        basemap_attribution=env.get("CHATMRPT_BASEMAP_ATTRIBUTION", ""),
        population_file=(_abs(env["CHATMRPT_POPULATION_FILE"], home)
                         if env.get("CHATMRPT_POPULATION_FILE") else None),
        lga_names_file=(_abs(env["CHATMRPT_LGA_NAMES_FILE"], home)
                        if env.get("CHATMRPT_LGA_NAMES_FILE") else None),
        rasters_url=_rasters_url(env.get("CHATMRPT_RASTERS_URL") or None, cwd),
        **_limit_settings(env),
    )


_LIMITS = {
    "xlsx_max_rows": "CHATMRPT_XLSX_MAX_ROWS",
    "xlsx_max_columns": "CHATMRPT_XLSX_MAX_COLUMNS",
    "xlsx_max_cells": "CHATMRPT_XLSX_MAX_CELLS",
    "xlsx_max_shared_strings": "CHATMRPT_XLSX_MAX_SHARED_STRINGS",
    "xlsx_max_cell_chars": "CHATMRPT_XLSX_MAX_CELL_CHARS",
    "xlsx_max_xml_mb": "CHATMRPT_XLSX_MAX_XML_MB",
    "max_vertices": "CHATMRPT_MAX_VERTICES",
    "max_ward_vertices": "CHATMRPT_MAX_WARD_VERTICES",
}
_RATES = {
    "rate_sessions": "CHATMRPT_RATE_SESSIONS",
    "rate_uploads": "CHATMRPT_RATE_UPLOADS",
    "rate_uploads_per_session": "CHATMRPT_RATE_UPLOADS_PER_SESSION",
    "rate_messages": "CHATMRPT_RATE_MESSAGES",
    "rate_messages_per_session": "CHATMRPT_RATE_MESSAGES_PER_SESSION",
    "rate_jobs": "CHATMRPT_RATE_JOBS",
    "rate_jobs_per_session": "CHATMRPT_RATE_JOBS_PER_SESSION",
}


def parse_rate(text: str, name: str = "rate") -> tuple[int, float] | None:
    """``"100/60"`` (100 requests per 60 seconds) -> (100, 60.0); ``"off"`` or ``"0"`` -> None."""
    text = text.strip().lower()
    if text in ("off", "0", "none", ""):
        return None
    count, _, window = text.partition("/")
    try:
        rate = (int(count), float(window or "60"))
    except ValueError:
        rate = (0, 0.0)
    if rate[0] < 1 or not 0 < rate[1] <= 86400:
        raise ValueError(
            f"{name} must be requests/seconds, e.g. 100/60 (100 per minute), or off; "
            f"got {text!r}"
        )
    return rate


def _limit_settings(env: Mapping[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for field_name, var in _LIMITS.items():
        if env.get(var):
            out[field_name] = _number_setting(
                env, var, int, lambda n: n >= 1, "a whole number above 0"
            )
    for field_name, var in _RATES.items():
        if var in env:
            out[field_name] = parse_rate(env[var], var)
    if env.get("CHATMRPT_READY_TIMEOUT_S"):
        out["ready_timeout_s"] = float(env["CHATMRPT_READY_TIMEOUT_S"])
    if "CHATMRPT_JOB_TIMEOUT_S" in env:
        out["job_timeout_s"] = _number_setting(
            env, "CHATMRPT_JOB_TIMEOUT_S", float, lambda s: 0 < s < 10**7,
            "a number of seconds above 0", can_be_off=True,
        )
    if "CHATMRPT_JOB_MEMORY_MB" in env:
        out["job_memory_mb"] = _number_setting(
            env, "CHATMRPT_JOB_MEMORY_MB", int, lambda mb: mb >= 64,
            "a whole number of megabytes (at least 64)", can_be_off=True,
        )
    if "CHATMRPT_JOB_ISOLATION" in env:
        out["job_isolation"] = env["CHATMRPT_JOB_ISOLATION"].strip().lower() not in (
            "0", "false", "no", "off")
    for field_name, var in (("job_retry_window_s", "CHATMRPT_JOB_RETRY_WINDOW_S"),
                            ("chat_wait_s", "CHATMRPT_CHAT_WAIT_S"),
                            ("ingest_sync_max_mb", "CHATMRPT_INGEST_SYNC_MAX_MB")):
        if env.get(var):
            out[field_name] = _number_setting(
                env, var, float, lambda n: 0 <= n < 10**7, "a number of at least 0"
            )
    return out


_OFF = ("", "0", "off", "none")


def _number_setting(
    env: Mapping[str, str], var: str, parse: Callable[[str], Any], valid: Callable[[Any], bool],
    rule: str, *, can_be_off: bool = False,
) -> Any:
    """The number in ``env[var]`` (``parse``d and ``valid``), None for off when it ``can_be_off``;
    otherwise ValueError saying the ``rule``."""
    text = env[var].strip().lower()
    if can_be_off and text in _OFF:
        return None
    try:
        value = parse(text)
    except ValueError:
        value = None
    if value is None or not valid(value):
        off = ", or off" if can_be_off else ""
        raise ValueError(f"{var} must be {rule}{off}; got {env[var]!r}")
    return value


def _basemap_url(url: str | None) -> str | None:
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not all(
        part in url for part in ("{z}", "{x}", "{y}")
    ):
        raise ValueError(
            "CHATMRPT_BASEMAP_URL must be an http(s) tile template with {z}, {x} and {y}, "
            "e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        )
    return url


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL (what a Content Security Policy names)."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


def _rasters_url(url: str | None, cwd: Path) -> str | None:
    """``CHATMRPT_RASTERS_URL``: an s3://bucket/prefix, a file:// URL or a folder path."""
    if url is None:
        return None
    if url.startswith("s3://"):
        if not urlparse(url).netloc:
            raise ValueError("CHATMRPT_RASTERS_URL must name a bucket: s3://bucket/prefix")
        return url.rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return str(_abs(parsed.path, cwd))
    if parsed.scheme and len(parsed.scheme) > 1:
        raise ValueError(
            "CHATMRPT_RASTERS_URL must be a folder or an s3://bucket/prefix, not " + repr(url)
        )
    return str(_abs(url, cwd))
