#!/usr/bin/env bash
# chaos.sh — the fault suite (tests/LabScheduler.Chaos) against a real local
# cluster: a private PostgreSQL, three silo and two gateway processes on
# loopback, clients booking, cancelling, checking in and out through both
# gateways with Idempotency-Keys and retries, one fault per run; then the
# database is checked (lost, doubled, overlaps; the ledger against the
# bookings, team quotas, seats).
#
#   ./chaos.sh            long form: every fault kind (silo SIGKILL, gateway
#                         SIGKILL, PostgreSQL restart, connections cut, silo
#                         SIGSTOP until declared dead), 60 s each, 16 clients;
#                         and a rolling upgrade from the previous commit's
#                         build (RollingUpgrade, a cluster of its own)
#   ./chaos.sh --short    short form (what ./test.sh runs): every kind,
#                         12 s each (the upgrade: load 5 s before and after), 8 clients
#
# Environment: LABSCHED_CHAOS_SECONDS, LABSCHED_CHAOS_CLIENTS (long form),
# LABSCHED_CHAOS_OPERATIONS (either form: each run lasts until that many
# operations were sent, e.g. 10000, instead of for a duration),
# LABSCHED_CHAOS_DATA (default <repo>/.data/chaos: the cluster's PostgreSQL
# and one log per process; the upgrade's cluster in the same path + "-upgrade"),
# LABSCHED_SKIP_BUILD=1, LABSCHED_UPGRADE_FROM (the commit the upgrade starts
# from, default HEAD~1; built once into .test-data/upgrade-builds/<commit id>).
#
# Prints one line per fault kind, then
#   chaos: N sent, N acknowledged, N lost, N doubled, N overlaps, N integrity failures
# and exits non-zero when a run failed or lost, doubled, overlaps or the
# integrity failures (ledger mismatches, quotas overdrawn, over capacity) is not 0.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en-US

MODE=long
case "${1:-}" in
    --short) MODE=short ;;
    "") ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

RESULTS=$ROOT/TestResults/chaos
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
LOG=$RESULTS/chaos-run.log

if [[ "${LABSCHED_SKIP_BUILD:-}" != 1 ]]; then
    dotnet build tests/LabScheduler.Chaos/LabScheduler.Chaos.csproj -c Release -nologo -v q -tl:off >"$RESULTS/build.log" 2>&1 ||
        { tail -n 30 "$RESULTS/build.log" >&2; echo "chaos.sh: the build failed" >&2; exit 1; }
fi

set +e
LABSCHED_CHAOS_MODE=$MODE LABSCHED_CHAOS_RESULTS=$RESULTS \
    dotnet test tests/LabScheduler.Chaos/LabScheduler.Chaos.csproj -c Release --no-build -tl:off \
    --logger "console;verbosity=detailed" </dev/null >"$LOG" 2>&1
rc=$?
set -e

sent=0 acked=0 lost=0 doubled=0 overlaps=0 integrity=0 runs=0
shopt -s nullglob
for f in "$RESULTS"/*.txt; do
    read -r s a l d o i <"$f"
    sed -n 2p "$f"
    sent=$((sent + s)) acked=$((acked + a)) lost=$((lost + l)) doubled=$((doubled + d)) overlaps=$((overlaps + o)) integrity=$((integrity + ${i:-0}))
    runs=$((runs + 1))
done
if [[ $rc -ne 0 ]]; then
    grep -E '^\s+Failed |Error Message' -A2 "$LOG" | head -n 40 >&2 || true
    echo "chaos.sh: dotnet test exited with $rc ($runs runs reported; full output: $LOG)" >&2
fi
echo "chaos: $sent sent, $acked acknowledged, $lost lost, $doubled doubled, $overlaps overlaps, $integrity integrity failures"
[[ $rc -eq 0 && $runs -gt 0 && $lost -eq 0 && $doubled -eq 0 && $overlaps -eq 0 && $integrity -eq 0 ]]
