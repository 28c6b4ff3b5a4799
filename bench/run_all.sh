#!/usr/bin/env bash
# Run every benchmark, one after the other (they share two cores: never in parallel).
# Usage: bash bench/run_all.sh [--quick]     (--quick: smoke run, a few minutes)
# Output goes to the terminal and to bench/results-<date>.txt. Exit status: 1 if a budget
# was not met or a check failed (the runs go on regardless).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
QUICK="${1:-}"
OUT="bench/results-$(date +%Y%m%d-%H%M%S)${QUICK:+-quick}.txt"
status=0
for bench in photos search sync_loopback sync_badlink server_load; do
    echo "### $PY -m bench.$bench $QUICK" | tee -a "$OUT"
    start=$(date +%s)
    $PY -m "bench.$bench" $QUICK 2>&1 | tee -a "$OUT"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1  # the benchmark's status, not tee's
    echo "### bench.$bench took $(( $(date +%s) - start )) s" | tee -a "$OUT"
    echo | tee -a "$OUT"
done
echo "results written to $OUT"
exit $status
