#!/usr/bin/env bash
# Stress check of the browser tests: runs the e2e suite RUNS times in a row (default 3) while
# BUSY other processes (default: one per core) keep every core busy, and stops at the first
# failure. A test that passes only on an idle machine is a defect; this is how we find it.
#   npm run test:stress            # build once, then 3 runs under load
#   RUNS=5 BUSY=4 npm run test:stress
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BUSY=${BUSY:-$(nproc)}

pids=()
stop_load() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap stop_load EXIT INT TERM

npx vite build --logLevel warn
for _ in $(seq "$BUSY"); do node -e 'for (;;) {}' & pids+=($!); done
echo "== stress: $RUNS e2e runs with $BUSY busy processes on $(nproc) cores =="
for i in $(seq "$RUNS"); do
  start=$(date +%s)
  if npx vitest run --config vitest.e2e.config.ts; then
    echo "== stress run $i/$RUNS passed in $(( $(date +%s) - start )) s (load average: $(cut -d' ' -f1-3 /proc/loadavg)) =="
  else
    echo "== stress run $i/$RUNS FAILED after $(( $(date +%s) - start )) s =="
    exit 1
  fi
done
echo "== stress: $RUNS of $RUNS runs passed under load =="
