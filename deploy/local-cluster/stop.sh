#!/usr/bin/env bash
# Stops the cluster deploy/local-cluster/start.sh started: workers (with their executors),
# then the master.   deploy/local-cluster/stop.sh [--dir DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$here/target/local-cluster"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,3p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -d "$dir" ]] || { echo "stop.sh: no cluster directory $dir" >&2; exit 0; }
stop() { # pidfile
  [[ -f "$1" ]] || return 0
  local pid; pid="$(cat "$1")"
  if kill -0 "$pid" 2>/dev/null; then
    pkill -TERM -P "$pid" 2>/dev/null || true   # executors are children of their worker
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}
for f in "$dir"/worker-*.pid; do [[ -e "$f" ]] && stop "$f"; done
stop "$dir/master.pid"
echo "stopped the cluster in $dir"
