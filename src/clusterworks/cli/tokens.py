"""``clusterworks token ...``: bearer tokens for the REST API.

Only a SHA-256 hash of a token is stored; ``token create`` prints the secret once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from .django_setup import setup_django


def _setup() -> None:
    setup_django()


def _describe(token: Any) -> dict[str, Any]:
    return {
        "id": token.pk,
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
    }


@click.group()
def token() -> None:
    """Create, list and revoke API tokens (sent as "Authorization: Bearer <token>")."""


@token.command()
@click.option("--user", "username", required=True, help="User name the token acts for.")
@click.option("--name", required=True, help="A label saying what the token is for, e.g. 'nightly export'.")
@click.option(
    "--expires-days", type=click.IntRange(1, 3650), default=None, help="Expire after N days (default: never)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def create(username: str, name: str, expires_days: int | None, as_json: bool) -> None:
    """Create a token and print its secret: it is shown once and cannot be retrieved later."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from clusterworks.web.core.models import ApiToken

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    if not user.is_active:
        raise click.ClickException(f"user {username!r} is deactivated")
    if not name.strip() or len(name) > 100:
        raise click.BadParameter("give a label of 1 to 100 characters", param_hint="--name")
    expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
    api_token, secret = ApiToken.issue(user=user, name=name.strip(), expires_at=expires_at)
    if as_json:
        click.echo(json.dumps({**_describe(api_token), "token": secret}))
        return
    until = (
        f", expires {timezone.localtime(expires_at):%Y-%m-%d %H:%M %Z}" if expires_at else ", never expires"
    )
    click.echo(f"Token {api_token.pk} '{api_token.name}' for {username}{until}:")
    click.echo(secret)
    click.echo("Keep it now: it is not shown again. Send it as 'Authorization: Bearer <token>'.", err=True)


@token.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_tokens(username: str | None, as_json: bool) -> None:
    """List tokens (never their secrets)."""
    _setup()
    from clusterworks.web.core.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "pk")
    if username:
        tokens = tokens.filter(user__username=username)
    rows = [_describe(t) for t in tokens]
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("No tokens.")
        return
    click.echo(f"{'id':>5}  {'user':<16} {'prefix':<9} {'name':<30} {'last used':<17} expires")
    for row in rows:
        last = (row["last_used_at"] or "never")[:16].replace("T", " ")
        expires = (row["expires_at"] or "never")[:16].replace("T", " ")
        name = row["name"][:30]
        click.echo(f"{row['id']:>5}  {row['user']:<16} {row['prefix']:<9} {name:<30} {last:<17} {expires}")


@token.command()
@click.argument("token_id", metavar="ID_OR_PREFIX")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def revoke(token_id: str, as_json: bool) -> None:
    """Revoke (delete) a token, given its id or its prefix as "token list" shows them."""
    _setup()
    from clusterworks.web.core.models import ApiToken

    tokens = ApiToken.objects.select_related("user")
    matches = list(tokens.filter(pk=int(token_id))) if token_id.isdigit() and len(token_id) < 19 else []
    if not matches:
        matches = list(tokens.filter(prefix=token_id.removeprefix("cw_")[:8]))
    if not matches:
        raise click.ClickException(f"no token {token_id!r}; see 'clusterworks token list'")
    if len(matches) > 1:
        raise click.ClickException(f"{len(matches)} tokens have the prefix {token_id!r}; revoke by id")
    revoked = _describe(matches[0])
    matches[0].delete()
    if as_json:
        click.echo(json.dumps({"revoked": revoked}))
    else:
        click.echo(f"Revoked token {revoked['id']} '{revoked['name']}' of {revoked['user']}.")
