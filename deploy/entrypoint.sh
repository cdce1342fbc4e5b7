#!/bin/sh
# Entry point of every crfgen container: refuse to start with the example database password, or with the
# UI published beyond the host without an authenticating proxy declared (ui_bind.sh), then run the
# service's command. .env.example ships DAGSTER_PG_PASSWORD=change-me; a stack copied from it unedited
# would otherwise run with a password anyone reading the repository knows.
set -eu
case "${DAGSTER_PG_PASSWORD:-}" in
  "")
    echo "crfgen: DAGSTER_PG_PASSWORD is empty; set a long random password in deploy/.env" >&2
    exit 64 ;;
  change-me)
    echo "crfgen: DAGSTER_PG_PASSWORD is still the example value 'change-me'; set a long random password in deploy/.env (see deploy/RUNBOOK.md)" >&2
    exit 64 ;;
esac
# With the Celery executor the broker password is a secret too (RabbitMQ service, deploy/.env).
if [ "${CRFGEN_EXECUTOR:-in_process}" = celery ]; then
  case "${CRFGEN_CELERY_BROKER:-}" in
    ""|*:@*|*:change-me@*)
      echo "crfgen: CRFGEN_EXECUTOR=celery needs CRFGEN_RABBITMQ_PASSWORD set to a long random password in deploy/.env" >&2
      exit 64 ;;
  esac
fi
# CRFGEN_WEB_BIND is set in the webserver's environment only: the host address its port is published on.
sh "$(dirname "$0")/ui_bind.sh" "${CRFGEN_WEB_BIND:-127.0.0.1}"
exec "$@"
