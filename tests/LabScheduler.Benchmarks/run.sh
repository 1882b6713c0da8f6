#!/usr/bin/env bash
# Runs the benchmark on a private PostgreSQL (as ./test.sh does) and prints its figures.
#   tests/LabScheduler.Benchmarks/run.sh [--instruments N] [--bookings-per-instrument M] [--concurrency C] [--searches S]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
# shellcheck source=../../deploy/pg.sh
source deploy/pg.sh
DATA="${LABSCHED_BENCH_DATA:-$ROOT/.test-data/bench}"
pg_ensure_installed
pg_start_private "$DATA"
trap 'pg_stop_private "$DATA"' EXIT
export LABSCHED_TEST_DB="${LABSCHED_PG_CONNSTR/Database=labsched/Database=postgres}"
dotnet run --project tests/LabScheduler.Benchmarks -c Release -- "$@"
