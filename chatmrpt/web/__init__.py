"""The web service: HTTP API, health and metrics, serving with Gunicorn.

``app`` (the factory; only the entry points import it), ``state`` (the per-process state
and ``get_runtime``; imports nothing else of the web package), ``api`` (the JSON API, one
module per resource and ``api.common``), ``auth`` (bearer token or cookie + CSRF),
``inputs`` (strict request reading), ``errors`` and ``responses`` (one error shape, safe
downloads), ``health`` (healthz, readyz, metrics, heartbeats), ``metrics``, ``logs`` (JSON
lines), ``ratelimit``, ``security`` (headers), ``openapi`` (the API's description),
``pages`` (the page and its static files), ``serving`` (Gunicorn, consumer processes, the
``chatmrpt serve`` supervisor).
"""
