"""Flask entry point: `flask --app app run`."""
from cone.web import create_app

app = create_app()
