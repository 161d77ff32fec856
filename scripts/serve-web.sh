#!/usr/bin/env bash
# Serves the browser build (scripts/build-web.sh) on http://127.0.0.1:8000/
# (PORT to change it). Any static file server does; this one is Python's.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-dist}
[ -f "$dir/index.html" ] || { echo "serve-web: no $dir/index.html: run scripts/build-web.sh first" >&2; exit 1; }
port=${PORT:-8000}
echo "serve-web: open http://127.0.0.1:$port/ (Ctrl-C stops)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir"
