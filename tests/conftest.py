"""Suite-wide hooks: one closing summary of what was skipped, why, and the line that runs it."""

from __future__ import annotations

from collections import Counter

# Start of a skip reason -> what to do so those tests run instead.
ENABLE = {
    "PTPLAN_TEST_DATABASE_URL not set":
        "export PTPLAN_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test  (any PostgreSQL "
        "you may create schemas in; each test module gets its own)",
    "chromium not found": "export PTPLAN_CHROMIUM=/usr/bin/chromium  (after: apt-get install chromium)",
    "needs the video extra": "make venv EXTRAS=dev,server,render,video",
    "real clips absent": "put the shared clips in ../shared/data, or export PTPLAN_SHARED_DATA=/path/to/data",
    "nginx or openssl not installed": "apt-get install nginx-light openssl",
    "PostgreSQL client tools not installed": "apt-get install postgresql-client",
}


def skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter) -> None:
    reasons = Counter(skip_reason(r) for r in terminalreporter.stats.get("skipped", []))
    if not reasons:
        return
    terminalreporter.section(f"{sum(reasons.values())} skipped", sep="-")
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"{count:>5}  {reason}")
        hint = next((how for start, how in ENABLE.items() if reason.startswith(start)), None)
        if hint:
            terminalreporter.write_line(f"       to run them: {hint}")
