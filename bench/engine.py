"""Engine benchmark (not a test): plans per second on one core, p50/p99 per plan, the ratio to
parsing + validating the same cases, and knowledge-base load time. Writes the "Engine" section of
docs/benchmarks.md.

    python bench/engine.py [--cases 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import get_args

from ptplan.core.case import MovementTask, OnsetOrder, PainSiteName
from ptplan.core.case_io import load_case_file, parse_text, validate_case
from ptplan.core.kb.loader import PACKAGE_KB, load
from ptplan.core.services import make_plan

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"


def random_case(kb, rnd: random.Random) -> dict:
    """A valid case drawn from the KB vocabulary (red flags mostly "no", like real intake)."""
    tests = {}
    for tid in rnd.sample(sorted(kb.tests), rnd.randint(0, 10)):
        rec = kb.tests[tid].record
        if rec.kind == "checklist":
            tests[tid] = {"observations": rnd.sample(rec.choices, rnd.randint(1, min(3, len(rec.choices))))}
        elif rec.kind == "positive":
            tests[tid] = {"positive": rnd.random() < 0.5}
        else:
            lo, hi = int(rec.min if rec.min is not None else 0), int(rec.max if rec.max is not None else 100)
            pick = [float(rnd.randint(lo, hi)) for _ in range(2)]
            tests[tid] = {"left": pick[0], "right": pick[1]} if rec.sided else {"value": pick[0]}
    tasks = [t for t in get_args(MovementTask) if f"{t}_observation" in kb.tests]
    movement = {t: {"observations": rnd.sample(kb.tests[f"{t}_observation"].record.choices, 1)}
                for t in rnd.sample(tasks, rnd.randint(0, 2))}
    flags = {q: rnd.choice(["no"] * 30 + ["unknown"] * 5 + ["yes"]) for q in kb.red_flag_questions}
    symptoms = {k: rnd.choice([True, False, None]) for k in ("worse_sitting", "worse_stairs", "worse_walking",
                                                              "knee_swelling", "knee_warmth", "eases_with_movement")}
    return {"demographics": {"age": rnd.randint(18, 95), "sex": rnd.choice(["female", "male"]),
                             "height_cm": rnd.randint(145, 190), "weight_kg": rnd.randint(40, 120)},
            "pain": [{"site": s} for s in rnd.sample(get_args(PainSiteName), rnd.randint(1, 3))],
            "history": {"onset_order": rnd.choice(get_args(OnsetOrder)), "onset_gap_weeks": rnd.randint(0, 50)},
            "symptoms": {**symptoms, "irritability": rnd.choice(["low", "moderate", "high", None])},
            "red_flags": flags, "conditions": rnd.sample(sorted(kb.conditions), rnd.randint(0, 2)),
            "tests": tests, "movement": movement,
            "activity": {"level": rnd.choice(["sedentary", "light", "moderate", "active"]),
                         "can_get_to_floor": rnd.choice([True, False, None])}}


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        t0 = time.process_time()
        fn(item)
        out.append(time.process_time() - t0)
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def calibration_ms(runs: int = 5) -> float:
    """CPU time of a fixed pure-Python loop, so readers can scale the numbers to their machine."""
    return statistics.median(timed(lambda _: sum(range(1_000_000)), range(runs))) * 1000


def kb_load_ms(runs: int = 5) -> tuple[float, float]:
    """Median load time without the parsed-YAML cache (first start) and with it (every later start)."""
    os.environ["PTPLAN_CACHE_DIR"] = "off"
    cold = statistics.median(timed(lambda _: load(PACKAGE_KB), range(runs))) * 1000
    with tempfile.TemporaryDirectory() as cache:
        os.environ["PTPLAN_CACHE_DIR"] = cache
        load(PACKAGE_KB)  # fills the cache
        warm = statistics.median(timed(lambda _: load(PACKAGE_KB), range(runs))) * 1000
    del os.environ["PTPLAN_CACHE_DIR"]
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    calib = calibration_ms()
    load_ms = kb_load_ms()
    kb = load(PACKAGE_KB)
    rnd = random.Random(args.seed)
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in examples]
    ex_cases = [load_case_file(p, kb) for p in examples]
    for c in ex_cases:  # warm-up: KB indexes are built on first use
        make_plan(c, "ja", kb)
    ex_parse = timed(lambda t: validate_case(parse_text(t), kb), texts * 20)
    ex_plan = timed(lambda c: make_plan(c, "ja", kb), ex_cases * 20)
    data = [random_case(kb, rnd) for _ in range(args.cases)]
    gen_validate = timed(lambda d: validate_case(d, kb), data)
    cases = [validate_case(d, kb) for d in data]
    gen_plan = timed(lambda c: make_plan(c, "ja", kb), cases)
    rows = {"examples (x20)": (ex_plan, ex_parse), f"generated ({args.cases:,})": (gen_plan, gen_validate)}
    write_section(load_ms, rows, calib)


def write_section(load_ms: tuple[float, float], rows: dict, calib: float) -> None:
    lines = ["## Engine", "",
             f"`python bench/engine.py` — one process, one core, {platform.python_implementation()} "
             f"{platform.python_version()} on {platform.machine()}; CPU time per call (time.process_time), "
             "measured in one run on a shared machine.", "",
             f"Calibration: `sum(range(1_000_000))` took {calib:.1f} ms CPU in this run; time the same loop on "
             "your machine and scale the numbers below by the ratio.", "",
             f"Knowledge-base load (parse + validate + integrity, median of 5; goal ≤ 300 ms): "
             f"**{load_ms[0]:.0f} ms** on first start, **{load_ms[1]:.0f} ms** once the parsed-YAML cache "
             "(src/ptplan/core/kb/parse_cache.py, keyed by file content) holds the files.", "",
             "| cases | plans/s | p50 ms/plan | p99 ms/plan | parse+validate p50 ms | plan ÷ parse+validate (p50) |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, (plan, parse) in rows.items():
        lines.append(f"| {name} | {len(plan) / sum(plan):,.0f} | {pct(plan, .5) * 1000:.2f} | {pct(plan, .99) * 1000:.2f} "
                     f"| {pct(parse, .5) * 1000:.2f} | {pct(plan, .5) / pct(parse, .5):.1f}× |")
    lines += ["", "Goal: p50 ≤ 1 ms per plan. Plans include screening, reasoning, prescription, advice and the "
              "full explanation texts in one language; JSON serialisation is not included.", ""]
    section = "\n".join(lines)
    print(section)
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(_replace_section(old, section), encoding="utf-8")


def _replace_section(doc: str, section: str) -> str:
    start = doc.find("## Engine")
    if start < 0:
        return doc.rstrip("\n") + "\n\n" + section
    end = doc.find("\n## ", start + 1)
    return doc[:start] + section + (doc[end + 1:] if end >= 0 else "")


if __name__ == "__main__":
    main()
