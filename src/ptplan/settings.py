"""Server settings: each one declared once, with its default and help, read from ``PTPLAN_*`` variables.

Bad values fail loudly at start-up. The secret key is special: a missing or placeholder secret is
refused when the server binds to anything but loopback; on loopback one is generated once and kept
in the data directory, so a laptop needs no setup.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from ptplan.errors import InputError, Problem, PtplanError

PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "changeme", "secret", "dev", "development", "test", "xxx"}
SECRET_FILE = "secret_key"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ptplan"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PTPLAN_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir,
                           description="folder for the embedded SQLite database and the generated secret key")
    database_url: str | None = Field(None, description="SQLAlchemy URL (e.g. postgresql+psycopg://...); "
                                                       "empty means SQLite file ptplan.sqlite3 in data_dir")
    secret_key: str = Field("", description="key that signs CSRF tokens; required off loopback, generated on loopback")
    host: str = Field("127.0.0.1", description="address `ptplan serve` binds to")
    port: int = Field(8000, ge=1, le=65535, description="port `ptplan serve` listens on")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body accepted; larger gets 413")
    max_video_mb: float = Field(200, gt=0, description="largest video clip accepted for upload, in MiB; "
                                                        "larger gets 413")
    login_max_failures: int = Field(5, ge=1, description="failed logins per username+IP before 429")
    login_window_seconds: int = Field(300, ge=1, description="window in which failed logins are counted")
    login_max_failures_per_ip: int = Field(20, ge=1, description="failed logins from one address (any username) "
                                                                 "before 429")
    login_max_failures_per_account: int = Field(50, ge=1, description="failed logins for one username from any "
                                                                      "address before 429 (browsers that logged in "
                                                                      "as that user before are exempt)")
    trusted_proxies: str = Field("", description="comma-separated addresses or networks of reverse proxies whose "
                                                 "X-Forwarded-For is believed; empty = none (the peer address is "
                                                 "the client)")
    session_hours: int = Field(12, ge=1, description="lifetime of a web session cookie")
    token_days: int = Field(90, ge=1, description="lifetime of an API bearer token")
    secure_cookies: bool | None = Field(None, description="force the Secure cookie flag; default: on unless loopback")
    sqlite_synchronous: str = Field("FULL", pattern="^(FULL|NORMAL|EXTRA)$",
                                    description="SQLite synchronous mode; FULL survives power loss, not only a crash")
    workers: int = Field(1, ge=1, le=64, description="server processes `ptplan serve` starts (uvicorn workers); "
                                                     "each one is stateless, all share the database")
    worker_timeout: float = Field(60, ge=2, le=3600, description=(
        "seconds a server process of `serve --workers N` may go without a beat of its event loop before it is killed "
        "and replaced (a hung process answers nothing); the clock starts at its first beat, so starting up is not timed"))
    redis_url: str | None = Field(None, description="Redis URL (redis://host:6379/0); when set, video jobs queue in "
                                                    "Redis so workers on several machines share them")
    jobs_in_process: bool = Field(True, description="run a video-analysis worker thread inside each server process; "
                                                    "set false when `ptplan worker` runs apart from the server")
    job_heartbeat_seconds: float = Field(10, gt=0, description="how often a running job records that it is alive; a job "
                                                             "silent for 3 beats is taken as interrupted and retried")
    job_max_attempts: int = Field(3, ge=1, description="runs a video job may start before it is failed as interrupted")
    job_timeout_seconds: float = Field(1800, gt=0, description="a video job running longer than this is failed")
    video_analyzer: str = Field("ptplan.clinic.videos:run_analysis", pattern=r"^[\w.]+:\w+$",
                                description="module:function that analyses one clip (path, task) -> result dict")

    @property
    def trusted_proxy_networks(self) -> tuple:
        """The parsed ``trusted_proxies`` (an InputError naming the setting for a bad entry)."""
        nets = []
        for part in (p.strip() for p in self.trusted_proxies.split(",")):
            if not part:
                continue
            try:
                nets.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise InputError([Problem("PTPLAN_TRUSTED_PROXIES", f"not an address or network: {part!r}",
                                          "invalid", f"アドレスまたはネットワークではありません: {part!r}")]) from None
        return tuple(nets)

    @property
    def max_video_bytes(self) -> int:
        return int(self.max_video_mb * 1024 * 1024)

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    @property
    def cookies_secure(self) -> bool:
        return (not self.is_loopback) if self.secure_cookies is None else self.secure_cookies

    def job_queue_file(self) -> Path:
        """The embedded job queue (huey on SQLite) when no Redis URL is set: one file beside the database."""
        return self.data_dir / "jobs.sqlite3"

    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'ptplan.sqlite3'}"

    def resolved(self) -> Settings:
        """A copy whose secret key is usable: refuse a weak one off loopback, make one on loopback."""
        if self.secret_key.strip().lower() not in PLACEHOLDER_SECRETS and len(self.secret_key) >= 16:
            return self
        if not self.is_loopback:
            raise PtplanError.single("PTPLAN_SECRET_KEY", f"set a random secret of at least 16 characters "
                                     f"before serving on {self.host}", "insecure_secret",
                                     f"{self.host} で公開する前に 16 文字以上のランダムな秘密鍵を設定してください")
        return self.model_copy(update={"secret_key": persisted_secret(self.data_dir)})


def load_settings(**overrides) -> Settings:
    """Settings from the environment (and overrides), or one InputError naming each bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise InputError([Problem(f"PTPLAN_{str(e['loc'][0]).upper()}" if e["loc"] else "settings", e["msg"],
                                  e["type"], f"設定値が正しくありません: {e['msg']}") for e in exc.errors()]) from None


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def persisted_secret(data_dir: Path) -> str:
    """Read the key kept in the data dir, or create it readable by the owner only."""
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written whole to a private temporary file, then linked into place: several server processes starting at
    # once all end up with the one key that won the link, and none reads a half-written file.
    tmp = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key
