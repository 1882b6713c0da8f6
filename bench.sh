#!/usr/bin/env bash
# bench.sh — LabScheduler's load benchmark: the product as ./run.sh starts it and a SQL-only baseline
# service, on the same PostgreSQL and machine, under the same HTTP load, in one run. Prints a table
# and writes bench-results.json. Figures, not pass/fail: compare the ratios (the machines are noisy).
#
#   ./bench.sh            full run (20 s per load scenario, 1,000,000 bookings for the reports)
#   ./bench.sh --quick    short run (8 s per scenario, 200,000 bookings), a few minutes
#   ./bench.sh [--quick] --only book,catalog   only the scenarios named (cold, growth, book, contended,
#                         free, search, p99at70, report, catalog)
#   ./bench.sh [--quick] --cluster N [--only book]   LabScheduler as deploy/cluster.sh runs it (N silos, two
#                         gateways, each a process; the load spread over both gateways) instead of ./run.sh's
#                         one process; the scenarios are named book-Nsilos, ... and book shows the cluster at
#                         work: the Active silos, the bookings each silo's instrument grains took, no overlaps
#   ./bench.sh --in-process [--instruments N] [--report-bookings M]   the older in-process grain benchmark
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 LABSCHED_ROOT=$ROOT
# shellcheck source=deploy/pg.sh
source deploy/pg.sh
dotnet build LabScheduler.sln -c Release -nologo -v q </dev/null
DATA="${LABSCHED_BENCH_DATA:-$ROOT/.test-data/bench}"
pg_ensure_installed
pg_start_private "$DATA"
trap 'pg_stop_private "$DATA"' EXIT
export LABSCHED_TEST_DB="${LABSCHED_PG_CONNSTR/Database=labsched/Database=postgres}"
dotnet tests/LabScheduler.Benchmarks/bin/Release/net10.0/LabScheduler.Benchmarks.dll "$@"
