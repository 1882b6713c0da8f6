#!/usr/bin/env bash
# test.sh — run every LabScheduler test against a private PostgreSQL.
#
#   ./test.sh [extra `dotnet test` arguments...]
#   e.g. ./test.sh --filter "FullyQualifiedName~Booking"
#
# Environment:
#   LABSCHED_TEST_DATA          folder of the private test PostgreSQL
#                               (default <repo>/.test-data)
#   LABSCHED_TEST_HANG_TIMEOUT  a test host that makes no progress for this
#                               long is killed and counted as failed
#                               (default 20m; empty disables it)
# Exported to the tests:
#   LABSCHED_TEST_DB            Npgsql connection string to the `postgres`
#                               database of that server; fixtures create their
#                               own databases from it.
#
# Results: TestResults/trx/<project>.trx (counted), TestResults/test-run.log.
# After the tests it prints `dotnet list package --vulnerable --include-transitive`
# (known vulnerable packages, direct and transitive); that never fails the run, and
# it says so when the feed could not answer.
# The last line printed is always "N passed, N failed, N skipped"; the exit
# status is non-zero when a test failed, a build failed, a test host crashed,
# or no test ran.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$ROOT"

# English, plain output (the console log is read for build errors).
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en-US VSLANG=1033 NO_COLOR=1

say() { printf 'test.sh: %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# summarize_results DIR LOG RC: count the tests from the TRX files that the
# VSTest "trx" logger wrote into DIR (one per test project) and print
# "PASSED FAILED SKIPPED". LOG is the console output of `dotnet test`, RC its
# exit status.
#
# From each TRX file: <ResultSummary outcome="..."> and its <Counters passed=
# failed= error= timeout= aborted= notExecuted= .../>. A run whose outcome is
# Aborted, that reports aborted tests, or whose RunInfos say "The active test
# run was aborted" (a crashed test host: outcome Failed, counters all 0)
# counts one more failure: the host took its unfinished tests with it.
# From the console log, only what no TRX file can say:
# * "Test run for /path/X.Tests.dll": an assembly that started; one that
#   started but left no TRX file died before it could write one (1 failure),
#   unless the log says no test in it matched the --filter;
# * build errors "...: error CS1002: ... [/path/P.csproj]": 1 failure per
#   project that failed to build (its tests never ran).
# Finally a non-zero RC with nothing counted as failed counts as 1 failure.
# ---------------------------------------------------------------------------
trx_counter() {   # trx_counter NAME COUNTERS-TAG -> the attribute's number, 0 if absent
    local value
    value=$(printf '%s' "$2" | grep -oE "[[:space:]]$1=\"[0-9]+\"" | grep -oE '[0-9]+' || true)
    echo "${value:-0}"
}

summarize_results() {
    local dir=$1 log=$2 rc=$3
    local passed=0 failed=0 skipped=0 aborted=0 files=0 started=0 build=0
    local trx counters outcome
    shopt -s nullglob
    for trx in "$dir"/*.trx; do
        files=$((files + 1))
        counters=$(tr -d '\r\n' <"$trx" | grep -oE '<Counters [^>]*>' | head -n1 || true)
        outcome=$(tr -d '\r\n' <"$trx" | grep -oE '<ResultSummary [^>]*outcome="[A-Za-z]+"' | grep -oE 'outcome="[A-Za-z]+"' | head -n1 || true)
        passed=$((passed + $(trx_counter passed "$counters")))
        failed=$((failed + $(trx_counter failed "$counters") + $(trx_counter error "$counters") + $(trx_counter timeout "$counters")))
        skipped=$((skipped + $(trx_counter notExecuted "$counters")))
        # A crashed test host leaves outcome="Failed" with zero counters and says so in a RunInfo.
        if [[ -z "$counters" || "$outcome" == 'outcome="Aborted"' || $(trx_counter aborted "$counters") -gt 0 ]] ||
            grep -qiE 'test run was aborted|test host process crashed' "$trx"; then
            aborted=$((aborted + 1))
        fi
    done
    shopt -u nullglob
    started=$(sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | grep -cE '^Test run for .*\.dll' || true)
    build=$(sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | grep -E ' error [A-Z]+[0-9]+: ' |
        grep -oE '\[[^]]*proj(::[^]]*)?\]$' | sed -e 's/::.*//' | sort -u | wc -l || true)
    # An assembly with no test that matches a --filter runs nothing and writes no result file.
    local unmatched
    unmatched=$(sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | grep -cE '^No test matches the given testcase filter' || true)
    local missing=$((started - files - unmatched))
    ((missing < 0)) && missing=0
    failed=$((failed + aborted + missing + build))
    if ((rc != 0 && failed == 0)); then failed=1; fi
    echo "$passed $failed $skipped"
    ((aborted > 0)) && say "$aborted test run(s) aborted (a test host crashed or hung; counted as failed)"
    ((missing > 0)) && say "$missing test assembly run(s) left no result file (counted as failed)"
    ((build > 0)) && say "$build project(s) failed to build (counted as failed)"
    return 0
}

command -v dotnet >/dev/null 2>&1 ||
    { say "the .NET SDK ('dotnet') is not on PATH; install .NET SDK 10"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# SDK 10's `dotnet new sln` writes .slnx; accept either.
SLN=
for f in LabScheduler.sln LabScheduler.slnx; do
    [[ -f "$f" ]] && { SLN=$f; break; }
done
if [[ -z "$SLN" ]]; then
    say "neither LabScheduler.sln nor LabScheduler.slnx found in $ROOT"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi

# --- private PostgreSQL for the tests -------------------------------------------
TEST_DATA=${LABSCHED_TEST_DATA:-$ROOT/.test-data}
mkdir -p "$TEST_DATA"
TEST_DATA=$(cd "$TEST_DATA" && pwd -P)

# shellcheck source=deploy/pg.sh
source "$ROOT/deploy/pg.sh"
pg_ensure_installed

PG_STOPPED=0
stop_pg() {
    [[ $PG_STOPPED -eq 1 ]] && return 0
    PG_STOPPED=1
    pg_stop_private "$TEST_DATA" || true
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_start_private "$TEST_DATA"
LABSCHED_TEST_DB="Host=$LABSCHED_PG_SOCKET;Port=5432;Username=labsched;Database=postgres;Pooling=true;Maximum Pool Size=20"
export LABSCHED_TEST_DB
say "LABSCHED_TEST_DB=$LABSCHED_TEST_DB"

# --- run the tests ------------------------------------------------------------------
read -r web_passed web_failed < <(client/LabScheduler.Web/build.sh --test || echo "0 1")   # web app + vitest
LOG_DIR=$ROOT/TestResults
RESULTS=$LOG_DIR/trx
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
LOG=$LOG_DIR/test-run.log

# The counts come from the TRX files (one per test assembly, in $RESULTS), not
# from the console: the console logger at minimal verbosity only lists failed
# and skipped tests with their messages, for people.
# -tl:off: MSBuild's terminal logger would redraw lines instead of printing.
# --blame-hang-timeout: a hung test host is killed (and its run reported as
# aborted) long before CI's time limit.
# tests/Directory.Build.props turns LABSCHED_TRX into the loggers: the console
# one, and trx writing <project>.trx into that folder.
export LABSCHED_TRX=$RESULTS
args=(test "$SLN" -c Release -tl:off)
HANG=${LABSCHED_TEST_HANG_TIMEOUT-20m}
if [[ -n "$HANG" ]]; then
    args+=(--blame-hang-timeout "$HANG" --blame-hang-dump-type none)
fi
args+=("$@")

say "dotnet ${args[*]}"
set +e
dotnet "${args[@]}" </dev/null 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
say "dotnet test exited with status $rc (full output: $LOG)"

read -r passed failed skipped < <(summarize_results "$RESULTS" "$LOG" "$rc")
passed=$((passed + web_passed)); failed=$((failed + web_failed))

# Stop PostgreSQL now, so that its messages do not come after the last line.
stop_pg

# --- known vulnerabilities in the packages (direct and transitive) ------------------
# Printed, never failing the run: the answer depends on the feed's advisory data, which
# may be unreachable (offline machine) or change overnight without any change here.
check_vulnerable_packages() {
    local out rc
    say "dotnet list $SLN package --vulnerable --include-transitive"
    set +e
    out=$(timeout 180 dotnet list "$SLN" package --vulnerable --include-transitive 2>&1)
    rc=$?
    set -e
    printf '%s\n' "$out" | sed -e 's/^/  /' >&2
    if ((rc != 0)); then
        say "vulnerable packages: the check could not run (exit $rc; is the NuGet feed reachable?); not counted as a failure"
    elif grep -qiE 'unable to|could not|failed to|error' <<<"$out"; then
        say "vulnerable packages: the feed did not answer for every source (see above); not counted as a failure"
    elif grep -qE '^[[:space:]]*>' <<<"$out"; then
        say "vulnerable packages: FOUND (listed above); not counted as a failure, fix them"
    else
        say "vulnerable packages: none known"
    fi
}
check_vulnerable_packages

status=0
if ((failed > 0 || rc != 0)); then
    status=1
elif ((passed + failed + skipped == 0)); then
    say "no test ran"
    status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
