"""Make docs/samples/web_outcomes_ja.png: the clinic lead's outcomes page (/outcomes) with Debian chromium
(PTPLAN_CHROMIUM, default /usr/bin/chromium), served on a free loopback port.

The data are the demo clinic (``seed.load_demo``) plus a synthetic cohort made here with a fixed seed: patients
whose plans are made from the examples (so each has the engine's own knee–back pattern and hypotheses), NRS,
ODI, RDQ or KOOS-12 at baseline, 6 and 12 weeks, and sessions on about three days a week. Small groups show
as suppressed, as they would in a real clinic.

    .venv/bin/python docs/samples/make_outcomes_sample.py
"""

from __future__ import annotations

import datetime as dt
import random

from sample_site import HERE, demo_site, log_in

from ptplan.clinic import seed
from ptplan.core import measures, services
from ptplan.store import repositories as repo
from ptplan.store.models import Clinic, MeasureResult, Plan, SessionLog

COHORT = {"04_knee_to_back": 7, "05_back_to_knee": 6, "06_concurrent_older_adult": 5, "01_hamstring_office_worker": 3}
# answers that score to the wanted value: NRS the rating itself, RDQ a total, ODI (sum x 2 %) spread over the
# 10 sections, KOOS-12 one item code (0-4) for all 12 items (summary 100 - 25 x code)
ANSWERS = {"nrs": lambda v: [v], "rmdq": lambda v: [v],
           "odi": lambda v: [min(5, max(0, round(v / 2) - 5 * i)) for i in range(10)],
           "koos12": lambda v: [v] * 12}


def _cohort(db, today: dt.date) -> None:
    from sqlalchemy import select

    clinic = db.scalars(select(Clinic).where(Clinic.name == seed.DEMO_CLINIC)).one()
    cases = {c.id: c for c in seed.example_cases()}
    rng = random.Random(18)
    n = 0
    for stem, count in COHORT.items():
        case = cases[f"ex{stem[:2]}"]
        plan_json = services.make_plan(case, lang="ja")
        knee = plan_json["knee_back"]["pattern"] in ("knee_to_back", "concurrent")
        for _ in range(count):
            n += 1
            patient = repo.create_patient(db, clinic.id, name=f"サンプル患者 {n:02d}", birth_year=1950 + n, sex="female")
            start = today - dt.timedelta(weeks=13)
            a = repo.add_assessment(db, patient, case.model_dump(mode="json", exclude_none=True), start, None)
            plan = repo.add_record(db, Plan, patient, None, assessment_id=a.id, kb_version=str(plan_json["kb_version"]),
                                   lang="ja", plan_json=plan_json, edits=[],
                                   created_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC))
            series = {"nrs": (6, rng.choice([1, 2, 3, 4]), rng.choice([2, 3, 4, 5]))}
            if knee:
                series["koos12"] = (2, rng.choice([0, 1]), rng.choice([0, 1, 1]))  # item codes: lower = fewer problems
            else:
                series["odi"] = (36, rng.choice([4, 8, 14]), rng.choice([6, 12, 18]))
                series["rmdq"] = (12, rng.choice([2, 4, 6]), rng.choice([4, 6, 8]))
            for name, (base, drop6, drop12) in series.items():
                for week, value in ((0, base), (6, max(0, base - drop6)), (12, max(0, base - drop12))):
                    answers = ANSWERS[name](value)
                    result = measures.score(name, answers).as_dict()
                    repo.add_record(db, MeasureResult, patient, None, name=name, answers=answers, result=result,
                                    taken_on=start + dt.timedelta(weeks=week), score=result.get("score"))
            for week in range(12):
                for offset in (0, 2, 4):
                    if rng.random() < 0.75:
                        repo.add_record(db, SessionLog, patient, None, plan_id=plan.id,
                                        performed_on=start + dt.timedelta(weeks=week, days=offset))


def main() -> None:
    with demo_site(lambda db: _cohort(db, dt.date.today())) as (base, page, _app):
        log_in(page, base, "demo-admin")
        page.goto(f"{base}/outcomes")
        page.screenshot(path=str(HERE / "web_outcomes_ja.png"), full_page=True)
    print(f"wrote {HERE}/web_outcomes_ja.png")


if __name__ == "__main__":
    main()
