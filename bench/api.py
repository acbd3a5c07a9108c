"""API benchmark: requests/s and latency of POST /api/v1/plans:preview against GET /api/v1/health.

Starts ``ptplan serve`` (uvicorn, one worker) on a free loopback port with a throw-away data dir and
drives both endpoints with the same load generator (httpx clients in threads, keep-alive) in the
same run, alternating rounds so machine noise hits both alike. The difference is what the engine
and validation cost on top of the framework. Traffic stays on 127.0.0.1 and is bounded in count.

    python bench/api.py [--requests 2000] [--concurrency 8] [--case examples/01_hamstring_office_worker.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "PTPLAN_DATA_DIR": tempfile.mkdtemp(prefix="ptplan-bench-api-"), "PTPLAN_DATABASE_URL": ""}
    proc = subprocess.Popen([sys.executable, "-c", "from ptplan.cli import main; main()", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def load(base: str, method: str, path: str, body: bytes | None, total: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = total // concurrency

    def worker():
        nonlocal errors
        mine, bad = [], 0
        with httpx.Client(base_url=base, timeout=30, headers={"content-type": "application/json"}) as client:
            for _ in range(per_worker):
                t0 = time.perf_counter()
                resp = client.request(method, path, content=body)
                mine.append((time.perf_counter() - t0) * 1000)
                bad += resp.status_code != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies), "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint, split over rounds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--case", default=str(ROOT / "examples" / "01_hamstring_office_worker.yaml"))
    args = parser.parse_args()
    case_path = Path(args.case)
    case = yaml.safe_load(case_path.read_text(encoding="utf-8")) if case_path.exists() else {"lang": "ja"}
    body = json.dumps(case).encode()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        first = httpx.post(f"{base}/api/v1/plans:preview", content=body, headers={"content-type": "application/json"})
        first.raise_for_status()
        engine = first.json().get("engine", "ptplan.core.services")
        results: dict[str, list[dict]] = {"health": [], "preview": []}
        for _ in range(args.rounds):
            n = args.requests // args.rounds
            results["health"].append(load(base, "GET", "/api/v1/health", None, n, args.concurrency))
            results["preview"].append(load(base, "POST", "/api/v1/plans:preview", body, n, args.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"case: {case_path.name if case_path.exists() else 'minimal'}; preview engine: {engine}; "
          f"concurrency {args.concurrency}; {args.rounds} alternating rounds")
    print("| endpoint | requests | errors | req/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, rounds in results.items():
        req = sum(r["requests"] for r in rounds)
        print(f"| {name} | {req} | {sum(r['errors'] for r in rounds)} | "
              f"{statistics.median(r['rps'] for r in rounds):.0f} | {statistics.median(r['p50'] for r in rounds):.1f} | "
              f"{max(r['p99'] for r in rounds):.1f} |")


if __name__ == "__main__":
    main()
