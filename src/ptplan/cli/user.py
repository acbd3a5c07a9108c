"""``ptplan user``: create logins from the command line (the first admin of a clinic starts here)."""

from __future__ import annotations

import typer

from ptplan.cli.db import engine_from_settings
from ptplan.store import db as store_db
from ptplan.store import repositories as repo

app = typer.Typer(no_args_is_help=True, help="Users: create logins.")


@app.command()
def create(username: str = typer.Argument(..., help="login name"),
           role: str = typer.Option("therapist", "--role", help="admin, therapist or patient"),
           clinic: str = typer.Option(..., "--clinic", help="clinic name (created if new)"),
           clinic_code: str = typer.Option(None, "--clinic-code", help="a new clinic's short code (a-z, 0-9, -) that "
                                           "ends the login names its admins create; default from the name, or c<id>"),
           patient_id: int = typer.Option(None, "--patient-id", help="patient record (role patient only)"),
           display_name: str = typer.Option("", "--name", help="name shown in the app"),
           password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                        envvar="PTPLAN_NEW_PASSWORD", help="at least 12 characters, not easy to guess")):
    """Create a user in CLINIC; exit 2 with the field on any problem. The login name follows the rule of
    the API and the web admin form; the operator may also give a name without the clinic's @code, but a
    name with an @code must carry this clinic's."""
    from ptplan.errors import InputError

    if role not in ("admin", "therapist", "patient"):
        raise InputError.single("role", f"expected admin, therapist or patient (got {role!r})", "choice",
                                "admin・therapist・patient のいずれかを指定してください")
    from ptplan.clinic import inputs
    from ptplan.clinic.users import check_password, in_clinic

    inputs.parse(inputs.UserIn, {"username": username, "password": password, "role": role, "display_name": display_name,
                                 **({"patient_id": patient_id} if patient_id is not None else {})})
    check_password(password, username, display_name)
    engine = engine_from_settings()
    store_db.upgrade(engine)
    with store_db.session_factory(engine)() as db:
        found = repo.get_or_create_clinic(db, clinic, clinic_code)
        if "@" in username:  # a name with a suffix belongs to that clinic's namespace
            in_clinic(username, found)
        if patient_id is not None:
            repo.get_patient(db, found.id, patient_id)
        user = repo.create_user(db, found, username, password, role, display_name, patient_id)
        db.commit()
        typer.echo(f"ok: user {user.username} ({user.role}) in clinic {found.name} (code {found.code}, id {user.id})")
