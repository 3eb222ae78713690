"""Settings for the load bench only: the production settings plus one bare view (bench.urls)."""

from deployments.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
