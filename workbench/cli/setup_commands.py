"""init, users, settings, backup: setting up and looking after a workspace."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, add_command, interactive, print_json, print_table
from workbench.errors import InputError


def register(sub: Any) -> None:
    from workbench.services.access import ROLE_DESCRIPTIONS, ROLES
    p = add_command(sub, "init", "create a new workspace; you become its admin")
    p.add_argument("--name", default="", help="your display name")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the admin's passphrase from stdin (or set WORKBENCH_PASSPHRASE); needed when the "
                   "admin is not your OS login")
    p.set_defaults(handler=cmd_init)

    u = add_command(sub, "users", "list, add, deactivate or reactivate users")
    usub = u.add_subparsers(dest="users_command", metavar="VERB")
    ul = add_command(usub, "list", "list the workspace's users")
    ul.add_argument("--json", action="store_true")
    ul.set_defaults(handler=cmd_users_list)
    ua = add_command(usub, "add", "add a user (admin only)")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=ROLES,
                    help="; ".join(f"{r}: {d}" for r, d in ROLE_DESCRIPTIONS.items()))
    ua.add_argument("--name", default="", help="display name")
    ua.add_argument("--passphrase-stdin", action="store_true", dest="new_passphrase_stdin",
                    help="read the new user's passphrase from standard input (reviewers need one; anyone "
                    "who is not acting as their own OS login needs one)")
    ua.set_defaults(handler=cmd_users_add, needs_passphrase=True)
    up = add_command(usub, "passphrase", "set or change your passphrase (an admin may reset anyone's)")
    up.add_argument("username", nargs="?")
    up.add_argument("--passphrase-stdin", action="store_true", dest="new_passphrase_stdin",
                    help="read the new passphrase from standard input (your current one, if you have one, "
                    "from WORKBENCH_PASSPHRASE or asked for)")
    up.set_defaults(handler=cmd_users_passphrase)
    ur = add_command(usub, "role", "change a user's role (admin only)")
    ur.add_argument("username")
    ur.add_argument("role", choices=ROLES)
    ur.set_defaults(handler=cmd_users_role, needs_passphrase=True)
    for verb, words in (("deactivate", "stop a user signing in or acting (their work and its history stay; admin "
                                       "only)"),
                        ("reactivate", "let a deactivated user sign in again (admin only)")):
        ud = add_command(usub, verb, words)
        ud.add_argument("username")
        ud.set_defaults(handler=cmd_users_active, active=verb == "reactivate", needs_passphrase=True)

    st = add_command(sub, "settings", "force settings: marking, attendance targets, MARAC thresholds, …")
    ssub = st.add_subparsers(dest="settings_command", metavar="VERB")
    ss = add_command(ssub, "show", "show the force settings")
    ss.add_argument("--json", action="store_true")
    ss.set_defaults(handler=cmd_settings_show)
    sset = add_command(ssub, "set", "change one setting (admin only); VALUE is JSON or plain text")
    sset.add_argument("key")
    sset.add_argument("value")
    sset.set_defaults(handler=cmd_settings_set, needs_passphrase=True)

    b = add_command(sub, "backup", "write a consistent copy of the workspace to OUT (admin only; mode 0600)")
    b.add_argument("out", type=Path)
    b.set_defaults(handler=cmd_backup, needs_passphrase=True)


def cmd_init(ctx: CliContext) -> int:
    from workbench.services import users, workspace
    loc = ctx.location()
    passphrase = _admin_passphrase(ctx)
    if passphrase is not None:
        users.check_strength(passphrase, ctx.username, ctx.args.name)
    ws = workspace.init_workspace(loc, ctx.username, ctx.args.name, passphrase)
    ctx.adopt(ws)
    print(f"created workspace {loc.label}")
    print(f"{ctx.username} is its admin; add colleagues with: workbench users add NAME --role officer")
    if passphrase is None:
        print("no passphrase set: you act as your OS login; set one (needed for admin actions once there are "
              "other users) with: workbench users passphrase")
    return 0


def _admin_passphrase(ctx: CliContext) -> str | None:
    """The new admin's passphrase: required when the admin is not the OS login (else nobody could be them)."""
    from workbench.services import users
    if ctx.passphrase_given():
        return ctx.passphrase()
    if interactive():
        first = getpass.getpass(f"Choose a passphrase for {ctx.username}"
                                + ("" if ctx.claimed_user else " (Enter for none, on a single-user desktop)") + ": ")
        if first:
            if getpass.getpass("Again: ") != first:
                raise InputError("the two passphrases differ; nothing was created")
            return first
    if ctx.claimed_user is not None:
        raise InputError(
            f"{ctx.username} is not your OS login ({users.current_os_user()}), so {ctx.username} needs a passphrase "
            "to be anyone's admin; nothing was created",
            "give it with --passphrase-stdin or WORKBENCH_PASSPHRASE, or run init in a terminal",
        )
    return None


def cmd_users_list(ctx: CliContext) -> int:
    from workbench.services import users
    with ctx.uow(write=False) as uow:
        rows = users.list_users(uow)
    if ctx.args.json:
        print_json(rows)
    else:
        print_table(
            ["user", "name", "role", "active", "passphrase"],
            [[u.username, u.display_name, u.role, "yes" if u.active else "no",
              "set" if u.has_passphrase else "-"] for u in rows],
        )
    return 0


def read_passphrase(from_stdin: bool, prompt: str = "Sign-off passphrase: ") -> str:
    """A passphrase typed twice in a terminal, or one line of standard input."""
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    elif interactive():
        value = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != value:
            raise InputError("the two passphrases differ; nothing was changed")
    else:
        raise InputError("no passphrase given", "pass --passphrase-stdin and pipe it in")
    if not value:
        raise InputError("the passphrase is empty")
    return value


def cmd_users_add(ctx: CliContext) -> int:
    from workbench.services import users
    ctx.actor()  # prove who you are before reading the new user's passphrase
    passphrase = read_passphrase(True) if ctx.args.new_passphrase_stdin else None
    with ctx.uow() as uow:
        info = users.add_user(uow, ctx.args.username, ctx.args.role, ctx.args.name, passphrase)
    print(f"added {info.username} as {info.role}")
    return 0


def cmd_users_passphrase(ctx: CliContext) -> int:
    from workbench.services import users
    target = ctx.args.username or ctx.username
    ctx.args.needs_passphrase = True  # your current passphrase if you have one; an admin's for a reset
    ctx.actor()
    passphrase = read_passphrase(ctx.args.new_passphrase_stdin, f"New passphrase for {target}: ")
    from workbench.services import signing_identity

    with ctx.uow() as uow:
        if target == uow.username and users.has_passphrase(uow, target):
            # one's own change: the signing keys sealed under the old passphrase move to the new one
            signing_identity.change_signoff_passphrase(uow, target, ctx.passphrase(), passphrase)
        else:
            users.set_passphrase(uow, target, passphrase)
    print(f"passphrase set for {target}")
    return 0


def cmd_users_role(ctx: CliContext) -> int:
    from workbench.services import users
    with ctx.uow() as uow:
        info = users.set_role(uow, ctx.args.username, ctx.args.role)
    print(f"{info.username} is now {info.role}")
    return 0


def cmd_users_active(ctx: CliContext) -> int:
    from workbench.services import users
    with ctx.uow() as uow:
        info = users.set_active(uow, ctx.args.username, ctx.args.active)
    print(f"{info.username} is now {'active' if info.active else 'deactivated: they can no longer sign in or act'}")
    return 0


def cmd_backup(ctx: CliContext) -> int:
    from workbench.services import workspace
    ws = ctx.workspace()
    with ctx.uow() as uow:
        out = workspace.backup_workspace(ws, uow, ctx.args.out)
    print(f"backup written to {out}")
    return 0


def cmd_settings_show(ctx: CliContext) -> int:
    from workbench.services import settings
    with ctx.uow(write=False) as uow:
        values = settings.get_force_settings(uow).to_dict()
        values["finding_statuses"] = list(settings.finding_statuses(uow))
    if ctx.args.json:
        print_json(values)
    else:
        print_table(["setting", "value"], [[k, json.dumps(v, ensure_ascii=False)] for k, v in values.items()])
    return 0


def cmd_settings_set(ctx: CliContext) -> int:
    from workbench.services import settings
    try:
        value = json.loads(ctx.args.value)
    except json.JSONDecodeError:
        value = ctx.args.value
    with ctx.uow() as uow:
        if ctx.args.key == "finding_statuses":
            settings.set_finding_statuses(uow, value)
        else:
            settings.update_force_settings(uow, **{ctx.args.key: value})
    print(f"{ctx.args.key} = {json.dumps(value, ensure_ascii=False)}")
    return 0
