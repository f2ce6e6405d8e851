"""The JSON API (CONTRACT "HTTP API"), one module per resource.

Each view validates its input, calls one service function with ids, and shapes the record
it gets back for the client. No view keeps anything between requests; any worker of any
machine can answer any request.

``common`` holds what the views share (id checks, record views, declared-parameter checks,
ETags); the resource modules import it and nothing of each other:

``sessions``, ``datasets`` (uploads and the demo data), ``prepared`` (ward tables built from
a DHIS2 export), ``covariates`` (the raster library), ``analyses``, ``plans`` (ITN plans),
``reprioritizations``, ``tpr``, ``views`` (maps, shapes, charts), ``exports``, ``artifacts``
(files and downloads), ``events`` (server-sent progress), ``messages`` (the conversation and
its result tools) and ``docs`` (the OpenAPI description). ``BLUEPRINTS`` lists them for
the application factory.
"""
