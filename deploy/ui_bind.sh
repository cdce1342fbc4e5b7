#!/bin/sh
# Refuse to publish the Dagster UI beyond this host unless an authenticating proxy is declared in front.
# The open-source webserver has no login: whoever reaches it can launch runs and read every log
# (docs/security.md). Usage: ui_bind.sh HOST; exit 0 to go on, 64 to refuse. Called by the image's
# entrypoint with CRFGEN_WEB_BIND (the host address compose publishes the UI on) and by `make ui`.
set -eu
host="${1:-127.0.0.1}"
case "$host" in
  localhost | ::1 | "[::1]" | 127.*) exit 0 ;;
esac
if [ "${CRFGEN_UI_BEHIND_AUTH_PROXY:-0}" = "1" ]; then
  exit 0
fi
echo "crfgen: refusing to publish the Dagster UI on $host: it has no login, anyone who reaches it can run and read everything." >&2
echo "crfgen: keep it on 127.0.0.1 behind an authenticating proxy (docs/security.md); if one is already in front, set CRFGEN_UI_BEHIND_AUTH_PROXY=1." >&2
exit 64
