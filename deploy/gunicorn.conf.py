"""Gunicorn settings for every service (production and `make run` alike).

Bind with -b (the Procfile passes each service's port). With PROMETHEUS_MULTIPROC_DIR set,
/metrics adds up all workers: the folder is cleared at start and dead workers are marked.
"""

import os
import shutil

from prometheus_client import multiprocess

from shared import logs

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 10
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
# The proxy in front bounds the request line and each header line (nginx's
# large_client_header_buffers 4 8k, ingress-nginx's default too) and answers the contract's
# JSON 414/431 past it; gunicorn's own limits sit at or above those bounds, so that its HTML
# error page is never what a client behind the proxy gets.
limit_request_line = 8190
limit_request_fields = 32768
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# The app's log and gunicorn's error log as JSON lines on standard error (shared/logs.py).
# The app logs each request itself (rv.requests: route, status, time, request id), so
# gunicorn's access log stays off unless GUNICORN_ACCESS_LOG asks for it: its raw paths
# can hold secret link tokens.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"json": {"()": "shared.logs.json_handler"}},
    "root": {"level": logs.level(), "handlers": ["json"]},
    "loggers": {"gunicorn.error": {"handlers": ["json"], "propagate": False}},
}
control_socket_disable = True  # one control socket per user would clash between services


def on_starting(server):
    """Start from an empty metrics folder, so counters of an earlier run do not linger."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
