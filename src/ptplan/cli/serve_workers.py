"""``ptplan serve --workers N``: N uvicorn server processes, each accepting on its own listening socket.

uvicorn's own multi-process mode hands one listening socket to every worker, and a worker's event loop, once
woken, accepts every pending connection in a loop. Keep-alive connections opened together (a reverse proxy's
upstream pool, a load generator) so pile onto whichever worker woke first while the other idles:
bench/api.py (then sending a fixed number of requests per connection) saw an 80/20 split of the server CPU
between two workers, and 2 workers serving 0.7-1.3x the preview rate of one. Here each worker gets its own
socket, bound to the same address with ``SO_REUSEPORT``, and the kernel assigns each new connection to one
of them by its addresses, whichever process is awake (as ``gunicorn --reuse-port`` and nginx's ``reuseport``
do). Where ``SO_REUSEPORT`` is missing the workers share one socket, as with uvicorn.

The parent binds the sockets (a bind error is reported before any worker starts), starts the workers, closes
its copies (a socket no process accepts on would hold the connections the kernel gives it), starts a new
worker on a new socket when one dies or hangs, and on SIGINT/SIGTERM stops them all, each finishing its
requests (uvicorn's graceful shutdown). A worker's event loop writes the time into a shared value on every
tick of uvicorn's main loop (10 a second); a worker whose last beat is older than ``hang_timeout`` seconds
(``PTPLAN_WORKER_TIMEOUT``) answers nobody, and is killed and replaced like one that died. Starting up (imports,
building the app) is not timed: the clock starts at a worker's first beat, and a worker that cannot start exits.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time

log = logging.getLogger("ptplan.serve")
STARTUP_FAILURE = 3  # uvicorn's exit code for a worker that could not start (the app failed to build)


def bind(host: str, port: int, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP as uvicorn does: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it an answer written in two parts (head, body) waits for the client's delayed ACK (40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _worker(config: dict, sock: socket.socket, beat) -> None:  # runs in the spawned process
    import uvicorn

    class Beating(uvicorn.Server):
        async def on_tick(self, counter: int) -> bool:
            beat.value = time.monotonic()  # the event loop is turning (CLOCK_MONOTONIC is the same in every process)
            return await super().on_tick(counter)

    Beating(uvicorn.Config(**config)).run(sockets=[sock])


def run(config: dict, workers: int, reuse_port: bool | None = None, hang_timeout: float = 60.0) -> None:
    """Serve ``config`` (keyword arguments of ``uvicorn.Config``, the app as an import string) on ``workers``
    processes until SIGINT/SIGTERM or until a worker fails to start; a worker silent for ``hang_timeout``
    seconds is replaced."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    reuse_port = hasattr(socket, "SO_REUSEPORT") if reuse_port is None else reuse_port
    host, port = config["host"], config["port"]
    shared = None if reuse_port else bind(host, port, reuse_port=False)
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()

    beats = [spawn.Value("d", 0.0, lock=False) for _ in range(workers)]

    def start(i: int):
        sock = bind(host, port, reuse_port=True) if reuse_port else shared
        beats[i].value = 0.0
        proc = spawn.Process(target=_worker, args=(config, sock, beats[i]), name=f"ptplan-server-{i + 1}")
        proc.start()  # the child has its own copy of the socket from here on
        if reuse_port:
            sock.close()
        log.info("started server process [%s] (%s)", proc.pid, "own socket, SO_REUSEPORT" if reuse_port
                 else "shared socket")
        return proc

    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs = [start(i) for i in range(workers)]
    try:
        while not stop.wait(0.5):
            for i, proc in enumerate(procs):
                if proc.is_alive():
                    # not before its first beat: starting up is not timed (on a loaded machine it took longer than a
                    # short timeout, and every replacement was killed in turn); a worker that cannot start exits
                    silent = time.monotonic() - beats[i].value if beats[i].value else 0.0
                    if silent <= hang_timeout:
                        continue
                    log.error("server process [%s] has not answered for %.0f s; killing it", proc.pid, silent)
                    proc.kill()
                    proc.join()
                if proc.exitcode == STARTUP_FAILURE:
                    log.error("server process [%s] failed to start; stopping", proc.pid)
                    stop.set()
                    break
                log.warning("server process [%s] exited (code %s); starting another", proc.pid, proc.exitcode)
                procs[i] = start(i)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()  # SIGTERM: uvicorn finishes the requests in flight, runs the lifespan end
        for proc in procs:
            proc.join(30)
            if proc.is_alive():
                proc.kill()
                proc.join()
        if shared is not None:
            shared.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if any(proc.exitcode == STARTUP_FAILURE for proc in procs):
        raise SystemExit(STARTUP_FAILURE)
