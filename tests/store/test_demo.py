"""``ptplan demo`` loads a clinic with weeks of history once, and leaves it alone the second time."""

from sqlalchemy import func, select

from ptplan.clinic.seed import DEMO_USERS, WEEKS, load_demo
from ptplan.store import db as store_db
from ptplan.store.models import MeasureResult, Patient, SessionLog, User


def test_it_loads_the_demo_clinic_once(tmp_path):
    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    store_db.upgrade(engine)
    with store_db.session_factory(engine)() as db:
        assert load_demo(db) is True
        db.commit()
        assert load_demo(db) is False
        patients = db.scalar(select(func.count()).select_from(Patient))
        assert db.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
        assert db.scalar(select(func.count()).select_from(SessionLog)) == patients * WEEKS * 3
        scored = db.scalars(select(MeasureResult.score).where(MeasureResult.name == "odi")).all()
        assert len(scored) == 2 * patients and all(s is not None for s in scored)
