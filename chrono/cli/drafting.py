"""``chrono draft``: draft records from a news article, for a person to review (never into the store)."""

from __future__ import annotations

import argparse

from chrono.cli.reading import Reading


def cmd_draft(args: argparse.Namespace) -> int:
    from chrono.interchange.draft_command import run

    return run(args, lambda: Reading(args))
