"""Production settings for the page benchmark, plus one bare authenticated view to compare every page with."""

from imrsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench._urls"
