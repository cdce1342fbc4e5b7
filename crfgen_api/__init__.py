"""HTTP API of the CRF generator (FastAPI): upload protocols, read study status, download packages.

Layering: crfgen_api imports crfgen_core, the Dagster instance's public Python API (run and check status)
and two plain modules of crfgen_dagster (db_check, inbox: the deployment checks and the inbox rules),
never the Dagster definitions; crfgen_core never imports crfgen_api (lint-imports enforces both).
"""
