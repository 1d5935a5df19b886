"""The `workbench` command line. Parses, calls the services, prints. No logic of its own."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.cli import (
    areas_commands,
    assurance_commands,
    audit_commands,
    audit_report_commands,
    findings_commands,
    log_commands,
    pack_commands,
    register_commands,
    request_commands,
    setup_commands,
    verify_commands,
)
from workbench.cli.context import CliContext, add_command, common_options
from workbench.errors import WorkbenchError

#: each module adds its subcommands with `register(subparsers)`
COMMAND_MODULES = [
    setup_commands, log_commands, findings_commands, audit_commands, audit_report_commands, assurance_commands,
    pack_commands, verify_commands, register_commands, areas_commands, request_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Inspection Readiness Workbench: turn HMICFRS PEEL findings into audits, "
        "evidence, scores and signed self-assessment packs. With no command it opens the app.",
        parents=[common_options()],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    gui = add_command(sub, "gui", "open the desktop application (the default)")
    gui.set_defaults(handler=_run_gui)
    return parser


def _run_gui(ctx: CliContext) -> int:
    from workbench.gui.app import run_gui  # Qt is loaded only when the GUI is asked for

    return run_gui(ctx.location(), ctx.username)


def main(argv: Sequence[str] | None = None) -> int:
    if os.environ.get("WORKBENCH_DISPLAY_PROBE") == "1":
        # the child process of gui.app.display_problem(): can Qt open its platform plugin here?
        from workbench.gui.app import probe_display

        return probe_display()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        if getattr(args, "command", None) is not None:  # a group such as `users` without its verb
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        handler = _run_gui
    ctx = CliContext(args)
    try:
        return int(handler(ctx) or 0)
    except WorkbenchError as exc:
        print(f"workbench: error: {exc.message}", file=sys.stderr)
        if exc.extra_hint:
            print(f"  how to fix: {exc.extra_hint}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("workbench: cancelled; nothing more was written", file=sys.stderr)
        return 130
    finally:
        ctx.close()
