"""`bluezone serve` and `bluezone admin`: run the health authority's server and set it up."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from bluezone import logs
from bluezone.authority.roles import KeyKind, Role
from bluezone.cli.output import console
from bluezone.config import Settings, load_settings

if TYPE_CHECKING:
    from bluezone.services import Services

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default: $BZ_DATA_DIR).")]
ConfigFile = Annotated[Path | None, typer.Option("--config", help="A TOML settings file.")]

admin = typer.Typer(
    rich_markup_mode=None,
    help="Set up realms (province health departments) and API keys.",
    no_args_is_help=True,
)


def settings_for(data_dir: Path | None, config: Path | None = None) -> Settings:
    return load_settings(config, data_dir=data_dir)


def serve(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8080,
    config: ConfigFile = None,
) -> None:
    """Run the verification and key server, with the exporter on an in-process schedule."""
    from bluezone.web.app import create_app  # noqa: PLC0415 (the server stack loads only when it is used)
    from bluezone.web.serving import serve_until_stopped  # noqa: PLC0415

    settings = settings_for(data_dir, config)
    logs.configure(settings.log_format)
    app = create_app(settings, schedule_exports=True)
    where = f"Bluezone: http://{host}:{port}/console — data in {settings.data_dir.resolve()}"
    serve_until_stopped(
        app,
        host=host,
        port=port,
        trusted_proxies=settings.trusted_proxies,
        once_listening=lambda: console.print(where, highlight=False),
    )


def open_server_services(data_dir: Path | None) -> Services:
    from bluezone.services import open_services  # noqa: PLC0415 (the server stack loads only when it is used)

    return open_services(settings_for(data_dir))


@admin.command("create-realm")
def create_realm(
    code: Annotated[str, typer.Argument(help="Short code, e.g. HN for Hà Nội.")],
    name: Annotated[str, typer.Option(help="The health department's name.")],
    province: Annotated[
        str | None,
        typer.Option(
            help="The province it serves, by name or GSO code (declarations go there, its keys act on its"
            " campaign)."
        ),
    ] = None,
    national: Annotated[
        bool, typer.Option("--national", help="The ministry's realm instead: no province, acting nationally.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Create a realm with its first certificate signing key."""
    from bluezone.authority.realms import create_realm as make_realm  # noqa: PLC0415
    from bluezone.errors import InvalidInput  # noqa: PLC0415
    from bluezone.geography.areas import province_named  # noqa: PLC0415

    if (province is None) != national:
        raise InvalidInput(
            'name the province the realm serves (--province "Hà Nội"), or --national for the ministry\'s',
            code="province_or_national",
        )
    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        code_of_province = None if province is None else province_named(province)
        realm = make_realm(session, svc.secrets, code, name, svc.now(), province_code=code_of_province)
        console.print(f"realm {realm.code} ({realm.name}) created" + _serving(realm.province_code))


def _serving(province_code: str | None) -> str:
    from bluezone.geography.areas import find_area  # noqa: PLC0415

    return ", acting nationally" if province_code is None else f", serving {find_area(province_code)[1].name}"


@admin.command("serve-province")
def serve_province(
    realm: Annotated[str, typer.Argument(help="The realm's code.")],
    province: Annotated[str, typer.Argument(help="The province it is to serve, by name or GSO code.")],
    data_dir: DataDir = None,
) -> None:
    """Give a realm created without a province the province it serves."""
    from bluezone.authority import realms  # noqa: PLC0415
    from bluezone.geography.areas import province_named  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        found = realms.realm_by_code(session, realm)
        realms.serve_province(session, found, province_named(province))
        console.print(f"realm {found.code} ({found.name})" + _serving(found.province_code))


@admin.command("guessing-odds")
def guessing_odds(data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """How soon people guessing codes with a realm's app key could hit a live short code, with these settings
    (docs/security.md explains the arithmetic)."""
    from bluezone.authority import guessing  # noqa: PLC0415

    settings = settings_for(data_dir, config)
    table = Table(title="Guessing 8-digit codes with the app key")
    for column in ("codes live at once", "guessing addresses", "P(hit) per hour", "expected time to a hit"):
        table.add_column(column, justify="right")
    for outstanding in guessing.outstanding_codes(settings):
        for clients in (1, 100, 10_000):
            chance = guessing.odds(settings, clients, outstanding)
            shown = (f"{outstanding:,}", f"{clients:,}", f"{chance.hit_per_hour:.2g}")
            table.add_row(*shown, _duration(chance.hours_to_hit))
    console.print(table)
    console.print(
        f"Each address may send {settings.verify_failures_per_client_hour} wrong codes an hour; codes live "
        f"{settings.short_code_minutes} min; a realm issues at most {settings.codes_per_realm_per_day:,} "
        f"a day. An app key's wrong codes raise an alert from {settings.verify_failures_alert_per_hour:,} "
        "an hour.",
        highlight=False,
    )


def _duration(hours: float) -> str:
    if hours >= 24 * 365:
        return f"{hours / (24 * 365):,.1f} years"
    if hours >= 48:
        return f"{hours / 24:,.0f} days"
    return f"{hours:,.1f} hours" if hours >= 1 else f"{hours * 60:,.0f} minutes"


@admin.command("rotate-signing-key")
def rotate_signing_key(
    realm: Annotated[str, typer.Option(help="Realm code.")],
    data_dir: DataDir = None,
) -> None:
    """Sign certificates with a new key from now on; the old ones stay published to check what they signed."""
    from bluezone.authority import realms  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        key = realms.rotate_signing_key(session, svc.secrets, realms.realm_by_code(session, realm), svc.now())
        console.print(f"realm {realm} now signs with {key.kid}")


LabId = Annotated[int | None, typer.Option("--lab", help="The lab's number (`bluezone admin create-lab`).")]


@admin.command("create-api-key")
def create_api_key(
    realm: Annotated[str, typer.Option(help="Realm code.")],
    kind: Annotated[
        KeyKind,
        typer.Option(help="admin (a department's systems), device (the app), stats, or lab (with --lab)."),
    ],
    lab: LabId = None,
    data_dir: DataDir = None,
) -> None:
    """Print a new API key, alone on stdout; programs send it as X-API-Key. It is shown only this once."""
    from bluezone.authority.realms import create_api_key as make_api_key  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        key = make_api_key(session, svc.secrets, realm, kind, svc.now(), lab_id=lab)
    print(key)


@admin.command("create-lab")
def create_lab(
    realm: Annotated[str, typer.Option(help="Realm code of the health department the lab reports to.")],
    name: Annotated[str, typer.Option(help="The lab's or testing site's name, as people know it.")],
    data_dir: DataDir = None,
) -> None:
    """Add a lab or testing site and print its number and its first API key (shown only this once)."""
    from bluezone.authority import labs, realms  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        made = labs.create_lab(session, realms.realm_by_code(session, realm), name, svc.now())
        key = realms.create_api_key(session, svc.secrets, realm, KeyKind.LAB, svc.now(), lab_id=made.id)
    typer.echo(f"lab {made.id}: {made.name}", err=True)
    print(key)


@admin.command("sample-ids")
def sample_ids(
    count: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many forms to print.")] = 100,
) -> None:
    """Print new sample ids for test forms as CSV (sample_id, qr): the id in words, the QR code's text."""
    from bluezone.protocol.samples import new_sample_id, qr_payload  # noqa: PLC0415

    print("sample_id,qr")
    for _ in range(count):
        made = new_sample_id()
        print(f"{made},{qr_payload(made)}")


@admin.command("create-user")
def create_user(
    username: Annotated[str, typer.Argument(help="Lower-case letters, digits, '.', '_' or '-'.")],
    *,
    role: Annotated[Role, typer.Option(help="What the person may do in the console.")],
    realm: Annotated[str | None, typer.Option(help="Realm code (none for a system admin).")] = None,
    scope: Annotated[
        str | None, typer.Option(help="A campaign official's part: area:CODE or unit:ID (default: all).")
    ] = None,
    lab: LabId = None,
    data_dir: DataDir = None,
) -> None:
    """Create a console user; the password is read from standard input (never from the command line)."""
    password = _password_from_stdin()
    from bluezone.authority import accounts  # noqa: PLC0415
    from bluezone.authority.users import create_user as make_user  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        make_user(
            session,
            realm_code=realm,
            username=username,
            password=password,
            role=role,
            now=svc.now(),
            scope=scope,
            lab_id=lab,
        )
        accounts.record(
            session, actor=accounts.OPERATOR, change=accounts.Change.CREATED, username=username, now=svc.now()
        )
    console.print(f"user {username} created")


def _password_from_stdin() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True))


Username = Annotated[str, typer.Argument(help="The console user's name.")]


@admin.command("disable-user")
def disable_user(username: Username, data_dir: DataDir = None) -> None:
    """Stop a console user from signing in (their open sessions end now); written to the account log."""
    _change_account(data_dir, "disable", username)
    console.print(f"user {username} disabled")


@admin.command("enable-user")
def enable_user(username: Username, data_dir: DataDir = None) -> None:
    """Let a disabled console user sign in again; written to the account log."""
    _change_account(data_dir, "enable", username)
    console.print(f"user {username} enabled")


@admin.command("reset-password")
def reset_password(username: Username, data_dir: DataDir = None) -> None:
    """Give a console user a new password, read from standard input; their open sessions end."""
    _change_account(data_dir, "reset_password", username, _password_from_stdin())
    console.print(f"password of {username} reset")


@admin.command("reset-second-factor")
def reset_second_factor(username: Username, data_dir: DataDir = None) -> None:
    """For an admin who lost both the authenticator and the recovery codes: the next sign-in enrols anew."""
    _change_account(data_dir, "reset_second_factor", username)
    console.print(f"second factor of {username} reset")


def _change_account(
    data_dir: Path | None,
    change: Literal["disable", "enable", "reset_password", "reset_second_factor"],
    *arguments: str,
) -> None:
    """One account change (an `accounts` function) by the server's operator, written to the account log."""
    from bluezone.authority import accounts  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        getattr(accounts, change)(session, *arguments, realm=None, actor=accounts.OPERATOR, now=svc.now())
