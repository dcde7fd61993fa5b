"""The `flask --app app cone ...` command group; each feature adds its commands to it."""
from __future__ import annotations

from flask.cli import AppGroup

cone_cli = AppGroup("cone", help="Manage cone users, tokens, render jobs, mail and reminders.")
