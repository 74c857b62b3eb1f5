"""Marketplace commands: `import …` here, `sweep` from helper modules when present."""

from __future__ import annotations

import importlib

import typer

from marketplace import importer_commands

OPTIONAL_COMMAND_MODULES = ["marketplace.sweep_commands", "marketplace.notify_commands"]


def register(app: typer.Typer) -> None:
    importer_commands.register(app)
    for name in OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)
