"""The composed application: FastAPI app, templates, static assets, CLI."""
