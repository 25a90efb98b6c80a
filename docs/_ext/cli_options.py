"""The command line's options by group, read from ``jaxclimb.cli``'s parser, for the CLI
guide (``.. jaxclimb-cli-options:: run``), so that its list cannot drift from ``-h``.

Without Sphinx: tests/test_docs.py checks that every option of every command is listed.
"""

from __future__ import annotations

import argparse


def command_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``jaxclimb COMMAND`` (of ``jaxclimb`` itself for None); a ValueError
    naming the commands for an unknown one."""
    from jaxclimb.cli import build_parser

    parser = build_parser()
    if command is None:
        return parser
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    if command not in commands:
        raise ValueError(f"jaxclimb has no command {command!r}; it has {sorted(commands)}")
    return commands[command]


def invocation(action: argparse.Action) -> str:
    """``--algorithm hill-climb|annealing|...``, ``--hidden HIDDEN``, ``--adaptive``."""
    flag = max(action.option_strings, key=len)
    if action.nargs == 0:
        return flag
    if action.choices is not None:
        return f"{flag} {'|'.join(map(str, action.choices))}"
    return f"{flag} {action.metavar or action.dest.upper()}"


def option_groups(command: str) -> list[tuple[str, list[str]]]:
    """``[(group title, [invocation, ...]), ...]`` in the parser's order; ``-h`` and
    hidden options left out, the untitled group last and called ``other``."""
    groups = []
    for group in command_parser(command)._action_groups:
        items = [
            invocation(action)
            for action in group._group_actions
            if action.option_strings
            and action.help != argparse.SUPPRESS
            and not isinstance(action, argparse._HelpAction)
        ]
        if items:
            title = "other" if group.title in ("options", "optional arguments") else group.title
            groups.append((title, items))
    return sorted(groups, key=lambda group: group[0] == "other")  # stable: the rest in order
