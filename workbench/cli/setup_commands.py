"""init, users, settings, backup: setting up and looking after a workspace."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, add_command, print_json, print_table
from workbench.errors import InputError
from workbench.services import settings, users, workspace
from workbench.services.access import ROLE_DESCRIPTIONS, ROLES


def register(sub: Any) -> None:
    p = add_command(sub, "init", "create a new workspace; you become its admin")
    p.add_argument("--name", default="", help="your display name")
    p.set_defaults(handler=cmd_init)

    u = add_command(sub, "users", "list or add users")
    usub = u.add_subparsers(dest="users_command", metavar="VERB")
    ul = add_command(usub, "list", "list the workspace's users")
    ul.add_argument("--json", action="store_true")
    ul.set_defaults(handler=cmd_users_list)
    ua = add_command(usub, "add", "add a user (admin only)")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=ROLES,
                    help="; ".join(f"{r}: {d}" for r, d in ROLE_DESCRIPTIONS.items()))
    ua.add_argument("--name", default="", help="display name")
    ua.add_argument("--passphrase-stdin", action="store_true",
                    help="read a sign-off passphrase from standard input (reviewers)")
    ua.set_defaults(handler=cmd_users_add)
    up = add_command(usub, "passphrase", "set your sign-off passphrase (an admin may set anyone's)")
    up.add_argument("username", nargs="?")
    up.add_argument("--passphrase-stdin", action="store_true")
    up.set_defaults(handler=cmd_users_passphrase)
    ur = add_command(usub, "role", "change a user's role (admin only)")
    ur.add_argument("username")
    ur.add_argument("role", choices=ROLES)
    ur.set_defaults(handler=cmd_users_role)

    st = add_command(sub, "settings", "force settings: marking, attendance targets, MARAC thresholds, …")
    ssub = st.add_subparsers(dest="settings_command", metavar="VERB")
    ss = add_command(ssub, "show", "show the force settings")
    ss.add_argument("--json", action="store_true")
    ss.set_defaults(handler=cmd_settings_show)
    sset = add_command(ssub, "set", "change one setting (admin only); VALUE is JSON or plain text")
    sset.add_argument("key")
    sset.add_argument("value")
    sset.set_defaults(handler=cmd_settings_set)

    b = add_command(sub, "backup", "write a consistent copy of the workspace to OUT")
    b.add_argument("out", type=Path)
    b.set_defaults(handler=cmd_backup)


def cmd_init(ctx: CliContext) -> int:
    loc = ctx.location()
    ws = workspace.init_workspace(loc, ctx.username, ctx.args.name)
    ctx.adopt(ws)
    print(f"created workspace {loc.label}")
    print(f"{ctx.username} is its admin; add colleagues with: workbench users add NAME --role officer")
    return 0


def cmd_users_list(ctx: CliContext) -> int:
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
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty() and not os.environ.get("CI"):
        value = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != value:
            raise InputError("the two passphrases differ; nothing was changed")
    else:
        raise InputError("no passphrase given", "pass --passphrase-stdin and pipe it in")
    if not value:
        raise InputError("the passphrase is empty")
    return value


def cmd_users_add(ctx: CliContext) -> int:
    passphrase = read_passphrase(True) if ctx.args.passphrase_stdin else None
    with ctx.uow() as uow:
        info = users.add_user(uow, ctx.args.username, ctx.args.role, ctx.args.name, passphrase)
    print(f"added {info.username} as {info.role}")
    return 0


def cmd_users_passphrase(ctx: CliContext) -> int:
    target = ctx.args.username or ctx.username
    passphrase = read_passphrase(ctx.args.passphrase_stdin)
    with ctx.uow() as uow:
        users.set_passphrase(uow, target, passphrase)
    print(f"sign-off passphrase set for {target}")
    return 0


def cmd_users_role(ctx: CliContext) -> int:
    with ctx.uow() as uow:
        info = users.set_role(uow, ctx.args.username, ctx.args.role)
    print(f"{info.username} is now {info.role}")
    return 0


def cmd_backup(ctx: CliContext) -> int:
    ws = ctx.workspace()
    with ctx.uow() as uow:
        out = workspace.backup_workspace(ws, uow, ctx.args.out)
    print(f"backup written to {out}")
    return 0


def cmd_settings_show(ctx: CliContext) -> int:
    with ctx.uow(write=False) as uow:
        values = settings.get_force_settings(uow).to_dict()
        values["finding_statuses"] = list(settings.finding_statuses(uow))
    if ctx.args.json:
        print_json(values)
    else:
        print_table(["setting", "value"], [[k, json.dumps(v, ensure_ascii=False)] for k, v in values.items()])
    return 0


def cmd_settings_set(ctx: CliContext) -> int:
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
