"""ASGI entry point: `uvicorn web.main:app` or gunicorn with uvicorn workers."""

from web.app import create_app

app = create_app()
