"""The web service: HTTP API, health and metrics, serving with Gunicorn.

``app`` (factory, per-process runtime, extension points), ``api`` (the JSON API),
``auth`` (bearer token or cookie + CSRF), ``inputs`` (strict request reading), ``errors``
and ``responses`` (one error shape, safe downloads), ``health`` (healthz, readyz,
metrics, heartbeats), ``metrics``, ``logs`` (JSON lines), ``security`` (headers),
``openapi`` (the API's description), ``pages`` (the page and its static files),
``views_api`` (maps, charts, exports, demo data), ``chat_api`` (the conversation),
``serving`` (Gunicorn, consumer processes, the ``chatmrpt serve`` supervisor).
"""
