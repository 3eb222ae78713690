"""gunicorn settings for `make serve` and production: `gunicorn -c python:deployments.gunicorn`.

Each value can be changed by environment variable (or on gunicorn's command line):
GUNICORN_BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker processes: 2 per CPU + 1),
GUNICORN_THREADS (4 per worker), GUNICORN_TIMEOUT (60 s).

Threads let a worker serve pages while one of its threads waits on a chart image (each worker
process draws one image at a time, in its own headless Chromium started on first use).
Workers are not recycled after N requests: each keeps its page cache in memory (unless
REDIS_URL is set), and a fresh worker would compute every page again, and start a browser,
in the middle of the traffic (under wrk that cost p99s of 9 s and dropped connections).
The app is not preloaded: each worker imports Django itself, so no browser or database
connection is shared across a fork.
"""

import multiprocessing
import os

wsgi_app = "deployments.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# An image may wait for a browser to start (15 s) and then render (20 s): see images.py.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# Proxy headers (X-Forwarded-Proto, ...) are believed only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
