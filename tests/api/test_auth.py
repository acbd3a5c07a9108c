"""Login, session cookies, CSRF, rate limiting and bearer tokens."""

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def _browser(world) -> TestClient:
    return TestClient(world.app, raise_server_exceptions=False)


def _login(client: TestClient, username: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_it_sets_an_httponly_samesite_session_cookie_on_login(sqlite_world):
    resp = _login(_browser(sqlite_world), "taro")
    assert resp.status_code == 200
    cookies = resp.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("ptplan_session="))
    csrf = next(c for c in cookies if c.startswith("ptplan_csrf="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    assert "HttpOnly" not in csrf
    assert resp.json()["user"]["role"] == "therapist"


def test_it_marks_cookies_secure_when_not_on_loopback(sqlite_world):
    sqlite_world.app.state.settings = sqlite_world.app.state.settings.model_copy(update={"host": "0.0.0.0"})
    cookies = _login(_browser(sqlite_world), "taro").headers.get_list("set-cookie")
    assert all("Secure" in c for c in cookies)


def test_it_refuses_a_cookie_write_without_the_csrf_token(sqlite_world):
    browser = _browser(sqlite_world)
    csrf = _login(browser, "taro").json()["csrf_token"]
    assert browser.get("/api/v1/patients").status_code == 200  # reads need no token
    refused = browser.post("/api/v1/patients", json={"name": "Ken"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    wrong = browser.post("/api/v1/patients", json={"name": "Ken"}, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    assert browser.post("/api/v1/patients", json={"name": "Ken"}, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_it_ends_the_session_on_logout(sqlite_world):
    browser = _browser(sqlite_world)
    csrf = _login(browser, "taro").json()["csrf_token"]
    cookie = browser.cookies.get("ptplan_session")
    assert browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    browser.cookies.set("ptplan_session", cookie)
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_it_says_the_same_for_an_unknown_user_and_a_wrong_password(sqlite_world):
    browser = _browser(sqlite_world)
    unknown, wrong = _login(browser, "nobody"), _login(browser, "taro", "wrong password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_it_rate_limits_failed_logins_per_username_and_address(sqlite_world):
    browser = _browser(sqlite_world)
    for _ in range(5):
        assert _login(browser, "taro", "wrong password").status_code == 401
    blocked = _login(browser, "taro")  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.json()["error"]["problems"][0]["field"] == "username"
    assert int(blocked.headers["retry-after"]) > 0
    assert _login(browser, "mika").status_code == 200  # other usernames are not blocked


def test_it_issues_and_revokes_bearer_tokens(sqlite_world):
    taro = sqlite_world.client("taro")
    made = taro.post("/api/v1/auth/tokens", json={"name": "laptop"})
    assert made.status_code == 201
    bearer = TestClient(sqlite_world.app, headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert bearer.get("/api/v1/auth/me").json()["username"] == "taro"
    assert bearer.post("/api/v1/patients", json={"name": "No CSRF needed"}).status_code == 201
    assert taro.delete(f"/api/v1/auth/tokens/{made.json()['id']}").status_code == 204
    assert bearer.get("/api/v1/auth/me").status_code == 401


def test_it_refuses_a_deactivated_user(sqlite_world):
    taro_id = sqlite_world.clinics["aoba"].user_ids["taro"]
    assert sqlite_world.client("ayako").patch(f"/api/v1/users/{taro_id}", json={"active": False}).status_code == 200
    assert sqlite_world.client("taro").get("/api/v1/auth/me").status_code == 401
    assert _login(_browser(sqlite_world), "taro").status_code == 401


def test_it_lets_admin_ayako_create_a_patient_login_only_for_her_clinic(sqlite_world):
    ayako = sqlite_world.client("ayako")
    jun = sqlite_world.clinics["aoba"].other_patient_id
    sora = sqlite_world.clinics["kita"].patient_id
    body = {"username": "jun", "password": "long-enough-pw", "role": "patient", "patient_id": jun}
    assert ayako.post("/api/v1/users", json=body).status_code == 201
    assert ayako.post("/api/v1/users", json={**body, "username": "sora2", "patient_id": sora}).status_code == 404
    assert _login(_browser(sqlite_world), "jun@aoba", "long-enough-pw").json()["user"]["patient_id"] == jun


def test_it_accepts_the_csrf_token_as_a_form_field(sqlite_world):
    browser = _browser(sqlite_world)
    csrf = _login(browser, "taro").json()["csrf_token"]
    assert browser.post("/api/v1/auth/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert browser.post("/api/v1/auth/logout", data={"csrf_token": csrf}).status_code == 204
