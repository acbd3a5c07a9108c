"""Every read and write of patient data leaves an audit event; admins see their clinic's events only."""


def _events(world, who="ayako", **params):
    resp = world.client(who).get("/api/v1/audit", params={"limit": 200, **params})
    assert resp.status_code == 200
    return resp.json()["items"]


def test_it_records_who_read_which_patient(sqlite_world):
    hana = sqlite_world.clinics["aoba"].patient_id
    sqlite_world.client("taro").get(f"/api/v1/patients/{hana}")
    event = _events(sqlite_world, patient_id=hana)[0]
    assert (event["username"], event["action"], event["resource"], event["patient_id"]) == ("taro", "read", "patient",
                                                                                            hana)
    assert event["ip"]


def test_it_records_a_patient_logging_her_own_session(sqlite_world):
    hana = sqlite_world.clinics["aoba"].patient_id
    made = sqlite_world.client("hana").post(f"/api/v1/patients/{hana}/sessions", json={"date": "2026-02-02"})
    event = _events(sqlite_world, patient_id=hana)[0]
    assert (event["username"], event["action"], event["resource_id"]) == ("hana", "create", made.json()["id"])


def test_it_audits_reads_of_every_kind_of_record(sqlite_world):
    c = sqlite_world.clinics["aoba"]
    taro = sqlite_world.client("taro")
    for path in (f"/patients/{c.patient_id}/timeline", f"/assessments/{c.assessment_id}", f"/plans/{c.plan_id}",
                 f"/patients/{c.patient_id}/measures", f"/patients/{c.patient_id}/sessions"):
        assert taro.get("/api/v1" + path).status_code == 200
    resources = {e["resource"] for e in _events(sqlite_world, patient_id=c.patient_id)}
    assert {"timeline", "assessment", "plan", "measure", "session"} <= resources


def test_it_shows_kenji_only_the_events_of_kita(sqlite_world):
    sqlite_world.client("taro").get(f"/api/v1/patients/{sqlite_world.clinics['aoba'].patient_id}")
    sqlite_world.client("mika").get(f"/api/v1/patients/{sqlite_world.clinics['kita'].patient_id}")
    assert {e["username"] for e in _events(sqlite_world, "kenji")} == {"mika"}
