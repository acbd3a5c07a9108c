"""API benchmark: requests/s and latency of POST /api/v1/plans:preview against GET /api/v1/health, with
one server process and with several (`ptplan serve --workers N`).

For each worker count it starts ``ptplan serve --workers N`` on a free loopback port with a throw-away
data dir (all of them at once, for the whole run) and drives both endpoints with the same load generator
(client processes, each with threads on raw keep-alive sockets sending pre-built requests) in interleaved
rounds, so machine noise hits every endpoint and worker count alike.
The health/preview difference is what the engine and validation cost on top of the framework; the
preview rate at N workers against 1 worker is the scaling. The load generator shares the machine's
cores with the server, so on 2 cores it takes part of what a second worker could use: it is kept cheap
(its CPU per request is printed beside the server's). Traffic stays on 127.0.0.1 and is bounded in time.

Each round runs for a fixed time (``--seconds``) and every connection keeps sending until it ends, as
wrk does; with a fixed number of requests per connection instead, the connections that the kernel put on
the less busy worker finished early and left it idle while the other worker worked through its backlog,
so the uneven split of connections over workers, not the server, decided the multi-worker figure.

    python bench/api.py [--seconds 2.5] [--rounds 4] [--concurrency 8] [--workers 1,2] [--clients 2]
                        [--case examples/01_hamstring_office_worker.yaml]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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


def start_server(port: int, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "PTPLAN_DATA_DIR": tempfile.mkdtemp(prefix="ptplan-bench-api-"), "PTPLAN_DATABASE_URL": "",
           "PTPLAN_JOBS_IN_PROCESS": "false"}
    proc = subprocess.Popen([sys.executable, "-c", "from ptplan.cli import main; main()", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def _request_bytes(method: str, path: str, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + (body or b"")


def _exchange(sock: socket.socket, request: bytes, buf: bytearray) -> int:
    """Send one request on a keep-alive connection and read its whole answer; the status code. ``buf``
    keeps bytes past the answer (there are none: one request at a time)."""
    sock.sendall(request)
    while (end := buf.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(262144)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    head = bytes(buf[:end]).lower()
    status = int(head[9:12])
    at = head.find(b"\r\ncontent-length:")
    if at < 0:
        raise ConnectionError("answer without Content-Length")
    line_end = head.find(b"\r\n", at + 2)
    length = int(head[at + 18:line_end if line_end >= 0 else len(head)])
    total = end + 4 + length
    while len(buf) < total:
        chunk = sock.recv(262144)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    del buf[:total]
    return status


def _client_process(args: tuple) -> tuple[list[float], int, float]:
    """One load-generator process: ``concurrency`` threads, each on its own keep-alive connection, sending
    pre-built requests until ``deadline`` (wall clock) and reading each whole answer (status line,
    Content-Length, body) over a raw socket. That is several times less CPU per request than an HTTP client
    library, which matters because the load generator shares the machine's cores with the server. Returns the
    latencies, the errors and the CPU seconds this process used."""
    base, method, path, body, deadline, concurrency = args
    host, port = base.removeprefix("http://").rsplit(":", 1)
    request = _request_bytes(method, path, body)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    cpu0 = time.process_time()

    def worker():
        nonlocal errors
        mine, bad = [], 0
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buf = bytearray()
            while time.time() < deadline:
                t0 = time.perf_counter()
                status = _exchange(sock, request, buf)
                mine.append((time.perf_counter() - t0) * 1000)
                bad += status != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.process_time() - cpu0


def session_cpu(session: int) -> dict[int, float]:
    """CPU seconds (user + system) of each live process of the server's session (``ptplan serve`` and its
    worker processes), by pid, from /proc: what the server spent, whatever else the machine was doing."""
    tick, out = os.sysconf("SC_CLK_TCK"), {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[3]) == session:
            out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def load(pool, base: str, method: str, path: str, body: bytes | None, seconds: float, concurrency: int,
         clients: int, session: int) -> dict:
    t0, c0 = time.perf_counter(), session_cpu(session)
    deadline = time.time() + seconds
    parts = pool.map(_client_process, [(base, method, path, body, deadline, max(1, concurrency // clients))] * clients)
    elapsed, c1 = time.perf_counter() - t0, session_cpu(session)
    spent = sorted((c1[pid] - c0.get(pid, 0.0) for pid in c1), reverse=True)
    latencies = sorted(x for lat, _, _ in parts for x in lat)
    return {"requests": len(latencies), "errors": sum(e for _, e, _ in parts), "rps": len(latencies) / elapsed,
            "client_cpu_ms": sum(c for _, _, c in parts) * 1000 / max(1, len(latencies)),
            "p50": statistics.median(latencies), "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)],
            "cpu_ms": sum(spent) * 1000 / max(1, len(latencies)),
            # the busiest process's share of the server's CPU: 50 % is an even split over two workers
            "busiest": spent[0] / max(sum(spent), 1e-9)}


def measure(pool, counts: list[int], body: bytes, args) -> tuple[str, dict[int, dict[str, list[dict]]]]:
    """Start one server per worker count, all at once, then run the rounds interleaved: each round measures
    health and preview on every server in turn (the order reversed every other round), so a change in the
    machine's other load during the run hits every worker count alike instead of the one measured last."""
    servers = {}
    try:
        for workers in counts:
            port = free_port()
            servers[workers] = (f"http://127.0.0.1:{port}", start_server(port, workers))
        for base, _ in servers.values():
            first = httpx.post(f"{base}/api/v1/plans:preview", content=body,
                               headers={"content-type": "application/json"})
            first.raise_for_status()
            engine = first.json().get("engine", "ptplan.core.services")
        results = {w: {"health": [], "preview": []} for w in counts}
        for r in range(args.rounds):
            for workers in (counts if r % 2 == 0 else counts[::-1]):
                base, server = servers[workers]
                for name, method, path, payload in (("health", "GET", "/api/v1/health", None),
                                                    ("preview", "POST", "/api/v1/plans:preview", body)):
                    results[workers][name].append(load(pool, base, method, path, payload, args.seconds, args.concurrency,
                                                       args.clients, server.pid))
    finally:
        for _, server in servers.values():
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
    return engine, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.5, help="length of one round (one endpoint, one worker count)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--case", default=str(ROOT / "examples" / "01_hamstring_office_worker.yaml"))
    parser.add_argument("--workers", default="1,2", help="server process counts to compare, the first is the base")
    parser.add_argument("--clients", type=int, default=2, help="load-generator processes")
    args = parser.parse_args()
    case_path = Path(args.case)
    case = yaml.safe_load(case_path.read_text(encoding="utf-8")) if case_path.exists() else {"lang": "ja"}
    body = json.dumps(case).encode()
    counts = [int(w) for w in args.workers.split(",")]
    started, load_start = time.strftime("%Y-%m-%d %H:%M", time.gmtime()), load_average()
    with multiprocessing.Pool(args.clients) as pool:
        engine, runs = measure(pool, counts, body, args)
    print(f"Run {started}–{time.strftime('%H:%M', time.gmtime())} UTC, {os.cpu_count()} cores, load average "
          f"(1/5/15 min) {load_start} at the start and {load_average()} at the end. Case "
          f"{case_path.name if case_path.exists() else 'minimal'}; preview engine {engine}; concurrency "
          f"{args.concurrency} over {args.clients} client processes; {args.rounds} interleaved rounds of "
          f"{args.seconds:g} s per endpoint and worker count.\n")
    print("| workers | endpoint | requests | errors | req/s | p50 ms | p99 ms | server CPU ms / request "
          "| client CPU ms / request | busiest process's CPU share |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rates, cpu = {}, {}
    for workers, results in runs.items():
        for name, rounds in results.items():
            req = sum(r["requests"] for r in rounds)
            rates[workers, name] = statistics.median(r["rps"] for r in rounds)
            cpu[workers, name] = statistics.median(r["cpu_ms"] for r in rounds)
            shares = "–".join(f"{x:.0%}" for x in sorted({min(r["busiest"] for r in rounds),
                                                          max(r["busiest"] for r in rounds)}))
            print(f"| {workers} | {name} | {req} | {sum(r['errors'] for r in rounds)} | {rates[workers, name]:.0f} | "
                  f"{statistics.median(r['p50'] for r in rounds):.1f} | {max(r['p99'] for r in rounds):.1f} | "
                  f"{cpu[workers, name]:.2f} | {statistics.median(r['client_cpu_ms'] for r in rounds):.2f} | "
                  f"{shares} |")
    print("\nreq/s, p50 and CPU: median over rounds; p99: worst round; server CPU: all server processes, per request; "
          "client CPU: the load-generator processes, per request; busiest share: lowest–highest over the rounds "
          "(with several workers, 50 % would be an even split of the work over two).")
    for workers in counts:
        print(f"- {workers} worker(s): preview at **{rates[workers, 'preview'] / rates[workers, 'health']:.0%}** of "
              f"health's req/s (goal ≥ 50 %); by server CPU per request "
              f"{cpu[workers, 'health'] / max(cpu[workers, 'preview'], 1e-9):.0%}")
    base = runs[counts[0]]["preview"]
    for workers in counts[1:]:
        per_round = sorted(r["rps"] / b["rps"] for r, b in zip(runs[workers]["preview"], base, strict=True))
        print(f"- preview req/s, {workers} workers ÷ {counts[0]}: "
              f"**{rates[workers, 'preview'] / rates[counts[0], 'preview']:.2f}×** (goal ≥ 1.6× with 2 workers on "
              f"2 cores); round by round {per_round[0]:.2f}–{per_round[-1]:.2f}×")


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
