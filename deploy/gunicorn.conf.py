"""gunicorn settings for one app host: `gunicorn -c deploy/gunicorn.conf.py web.main:app`."""

import multiprocessing
import os

from sqlalchemy import text

from core.db import POOL_OVERFLOW, get_engine, session_scope
from core.settings import get_settings
from core.templating import environment
from matching.service import warm_up

bind = os.environ.get("XIECHUANG_BIND", "127.0.0.1:8000")
worker_class = "uvicorn.workers.UvicornWorker"
workers = int(os.environ.get("XIECHUANG_WORKERS", multiprocessing.cpu_count() * 2))
timeout = 60
graceful_timeout = 20
keepalive = 5
max_requests = 20000  # recycle workers to bound memory growth (each restart reloads the index and model)
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("XIECHUANG_TRUSTED_PROXIES", "127.0.0.1")
accesslog = "-"


def on_starting(server):
    """On PostgreSQL, refuse to start more workers than the server has connections for: each worker
    opens up to XIECHUANG_DB_CONNECTIONS + POOL_OVERFLOW (+ 2 for /healthz) connections."""
    settings = get_settings()
    if not settings.database_url.startswith("postgresql"):
        return
    per_worker = settings.db_connections + POOL_OVERFLOW + 2
    try:
        with get_engine().connect() as conn:
            limit = int(conn.execute(text("SHOW max_connections")).scalar_one())
    except Exception:  # noqa: BLE001 - the database may still be starting; the workers retry
        server.log.warning("could not read PostgreSQL max_connections; not checking the pool size")
        return
    finally:
        get_engine().dispose()  # the master keeps no connection for its forks
    if workers * per_worker > limit - 3:  # PostgreSQL keeps 3 for superusers
        raise SystemExit(f"{workers} workers x {per_worker} connections > PostgreSQL max_connections={limit}: "
                         "lower XIECHUANG_WORKERS or XIECHUANG_DB_CONNECTIONS")


def post_worker_init(worker):
    """Before a worker serves: load the matching indexes and the encoder, compile the templates.
    A failure (the database still starting, say) is logged and the worker serves anyway: the
    first match then loads what it needs."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    try:
        with session_scope() as session:
            warm_up(session)
    except Exception:  # noqa: BLE001 - never keep a worker from serving
        worker.log.warning("matching warm-up failed; the first match request will load the index", exc_info=True)
