"""``gridcheck-server``: run the server and administer it from the shell."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import NoReturn

import click

from domain.errors import GridCheckError
from domain.reference import Role, UserPublic
from sync_server.blobstore import BlobStore
from sync_server.config import ServerSettings
from sync_server.seed.templates import TEMPLATES_DIR, load_template_files
from sync_server.services import reference as ref_service
from sync_server.store import reference as ref_store
from sync_server.store.db import open_db

DEFAULT_TEMPLATES = TEMPLATES_DIR  # the bundled assets/templates

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder (database and blobs). Default: $GRIDCHECK_DATA_DIR or ~/.gridcheck/server",
)


def _settings(data_dir: Path | None, **overrides: object) -> ServerSettings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return ServerSettings(**values)


def _fail(err: GridCheckError | ValueError) -> NoReturn:
    if isinstance(err, GridCheckError):
        click.echo(f"错误 [{err.code}]: {err.message}", err=True)
        if err.details:
            click.echo(f"  {err.details}", err=True)
    else:
        click.echo(f"错误: {err}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """GridCheck sync server (网格安全巡查同步服务)."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1)")
@click.option("--port", type=int, default=None, help="Port (default 8700)")
@data_option
def serve(host: str | None, port: int | None, data_dir: Path | None) -> None:
    """Run the HTTP API."""
    import uvicorn

    from sync_server.main import create_app

    settings = _settings(data_dir, host=host, port=port)
    click.echo(
        f"GridCheck server on http://{settings.host}:{settings.port}/api/v1  data: {settings.data_dir}"
    )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


@main.command("create-user")
@click.option("--username", required=True)
@click.option("--name", required=True, help="Display name, e.g. 张伟")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--grid", "grids", multiple=True, help="Grid id (inspectors; repeatable)")
@click.option("--enterprise", default=None, help="Enterprise id (enterprise accounts)")
@click.option("--phone", default=None)
@click.option("--password", default=None, help="Asked for when not given")
@data_option
def create_user(
    username: str,
    name: str,
    role: str,
    grids: tuple[str, ...],
    enterprise: str | None,
    phone: str | None,
    password: str | None,
    data_dir: Path | None,
) -> None:
    """Create a user, or update one with the same username."""
    settings = _settings(data_dir)
    db = open_db(settings.db_path)
    if password is None:
        password = getpass.getpass("Password: ")
    try:
        user = UserPublic(
            id=username,
            username=username,
            name=name,
            role=Role(role),
            grid_ids=list(grids),
            enterprise_id=enterprise,
            phone=phone,
        )
        outcome = ref_service.save_user(db, settings, user, password)
    except (GridCheckError, ValueError) as err:
        _fail(err)
    click.echo(f"{outcome}: {username} ({role})")


@main.command("import-org")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option
def import_org(file: Path, data_dir: Path | None) -> None:
    """Import communities, grids and enterprises from a CSV or XLSX file (all or nothing)."""
    from sync_server.seed.org_import import parse_org_file

    parsed = parse_org_file(file)
    if parsed.errors:
        click.echo(f"未导入：{len(parsed.errors)} 处错误", err=True)
        for e in parsed.errors:
            where = f"第 {e.row} 行" if e.row else "文件"
            click.echo(
                f"  {where} [{e.column}]: {e.reason}" if e.column else f"  {where}: {e.reason}",
                err=True,
            )
        sys.exit(1)
    settings = _settings(data_dir)
    db = open_db(settings.db_path)
    counts = ref_service.import_org(db, parsed.communities, parsed.grids, parsed.enterprises)
    click.echo(f"imported: {counts.created_or_changed}, unchanged: {counts.unchanged}")


@main.command("load-templates")
@click.argument(
    "folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_TEMPLATES,
)
@data_option
def load_templates(folder: Path, data_dir: Path | None) -> None:
    """Publish the checklist templates in FOLDER (default: the bundled assets/templates)."""
    settings = _settings(data_dir)
    db = open_db(settings.db_path)
    try:
        outcome = ref_service.load_templates(db, load_template_files(folder))
    except (GridCheckError, ValueError) as err:
        _fail(err)
    click.echo(f"templates: {outcome}")


@main.command("seed-demo")
@data_option
def seed_demo(data_dir: Path | None) -> None:
    """Fill the data folder with a realistic demo sub-district (once; later runs change nothing)."""
    from sync_server.seed.demo import seed
    from sync_server.seed.demo_data import DEMO_PASSWORD

    settings = _settings(data_dir)
    db = open_db(settings.db_path)
    counts = ref_store.counts(db)
    if counts["enterprises"] > 0:
        click.echo(f"already seeded: {counts}")
    else:
        click.echo("seeding the demo sub-district…")
        counts = seed(db, BlobStore(settings.blob_dir), settings, DEFAULT_TEMPLATES)
        click.echo(f"seeded: {counts}")
    click.echo(
        f"demo accounts (password: {DEMO_PASSWORD}): admin, office1, inspector1, inspector2, "
        "enterprise1"
    )


if __name__ == "__main__":
    main()
