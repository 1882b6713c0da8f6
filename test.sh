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
# The last line printed is always "N passed, N failed, N skipped"; the exit
# status is non-zero when a test failed, a build failed, a test host crashed,
# or no test ran.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$ROOT"

# English, plain output: the summary lines below are parsed.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en-US VSLANG=1033 NO_COLOR=1

say() { printf 'test.sh: %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# summarize_test_log LOG RC: read the output of `dotnet test` (VSTest runner,
# console logger at minimal verbosity, as printed by SDK 10.0.401 with
# xunit 2.9 / xunit.runner.visualstudio 3.1 / Microsoft.NET.Test.Sdk 18) and
# print "PASSED FAILED SKIPPED". RC is dotnet test's exit status.
#
# What it reads:
# * one summary line per test assembly:
#     Passed!  - Failed:     0, Passed:     2, Skipped:     1, Total:     3, Duration: 12 ms - X.Tests.dll (net10.0)
#     Failed!  - Failed:     1, Passed:     1, Skipped:     1, Total:     3, Duration: 28 ms - Y.Tests.dll (net10.0)
# * "Test run for /path/X.Tests.dll (...)" when an assembly starts. A test
#   host that crashes or is killed as hung prints "Test Run Aborted." and NO
#   summary line, so an assembly that started without a summary counts as
#   1 failure (its tests that had passed are not reported anywhere).
# * build errors "...: error CS1002: ... [/path/P.csproj]": 1 failure per
#   project that failed to build (its tests never ran).
# * fallback for console verbosity normal/detailed, which prints a block
#   instead of the one-liner:  "Total tests: 3" / "Passed: 1" / "Failed: 1" /
#   "Skipped: 1" / "Total time: ...".
# Finally a non-zero RC with nothing counted as failed counts as 1 failure.
# ---------------------------------------------------------------------------
summarize_test_log() {
    local log=$1 rc=$2
    # Strip ANSI colour codes and CRs before matching.
    sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$log" | awk -v rc="$rc" '
        function num(s) { gsub(/[^0-9]/, "", s); return s + 0 }
        # basename of an assembly path, without directories
        function base(p) { sub(/.*\//, "", p); return p }

        /^Test run for .*\.dll/ {
            a = $0; sub(/^Test run for /, "", a); sub(/\.dll.*/, ".dll", a)
            started[base(a)] = 1
            next
        }
        /^(Passed|Failed|Skipped)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+, +Total: +[0-9]+/ {
            n = split($0, f, ",")
            for (i = 1; i <= n; i++) {
                if (f[i] ~ /Failed: +[0-9]+/)  { s = f[i]; sub(/.*Failed:/, "", s);  F += num(s) }
                if (f[i] ~ /Passed: +[0-9]+/)  { s = f[i]; sub(/.*Passed:/, "", s);  P += num(s) }
                if (f[i] ~ /Skipped: +[0-9]+/) { s = f[i]; sub(/.*Skipped:/, "", s); S += num(s) }
            }
            # "... - X.Tests.dll (net10.0)"
            if (match($0, /[^ \/]+\.dll/)) summarized[substr($0, RSTART, RLENGTH)] = 1
            oneliners++
            next
        }
        /^Test Run Aborted\./ { aborted++; next }
        # A --filter that selects nothing in an assembly: it ran, it just had nothing to run.
        /^No test matches the given testcase filter/ {
            if (match($0, /[^ \/]+\.dll/)) summarized[substr($0, RSTART, RLENGTH)] = 1
            next
        }

        # MSBuild errors of a project: "... error XX1234: ... [/path/P.csproj]"
        / error [A-Z]+[0-9]+: / {
            if (match($0, /\[[^]]*proj(::[^]]*)?\]$/)) {
                p = substr($0, RSTART + 1, RLENGTH - 2); sub(/::.*/, "", p)
                badproj[p] = 1
            } else if ($0 ~ /^MSBUILD : error /) {
                badproj["(msbuild)"] = 1
            }
            next
        }

        # normal/detailed verbosity block (used only without one-liners)
        /^Total tests: +[0-9]+/ { inblock = 1; next }
        inblock && /^ +Passed: +[0-9]+$/  { bP += num($0); next }
        inblock && /^ +Failed: +[0-9]+$/  { bF += num($0); next }
        inblock && /^ +Skipped: +[0-9]+$/ { bS += num($0); next }
        inblock && /^ *Total time:/       { inblock = 0; next }

        END {
            if (oneliners == 0) { P = bP; F = bF; S = bS }
            crashed = 0
            for (a in started) if (!(a in summarized)) crashed++
            # Without one-liners (other verbosity) the started/summarized
            # matching cannot work; count the aborts instead.
            if (oneliners == 0) crashed = aborted
            else if (crashed == 0 && aborted > 0) crashed = aborted
            build = 0
            for (p in badproj) build++
            F += crashed + build
            if (rc != 0 && F == 0) F = 1
            printf "%d %d %d\n", P, F, S
            if (crashed > 0) printf "test.sh: %d test assembly run(s) crashed or were aborted (counted as failed)\n", crashed > "/dev/stderr"
            if (build > 0)   printf "test.sh: %d project(s) failed to build (counted as failed)\n", build > "/dev/stderr"
        }'
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
mkdir -p "$LOG_DIR"
LOG=$LOG_DIR/test-run.log

# Console logger at *minimal* verbosity on purpose: that is the level that
# prints the one-line "Passed!/Failed! - Failed: N, Passed: N, ..." summary
# per test assembly (verbosity=normal replaces it with a multi-line block
# and interleaves those of assemblies run in parallel). Failed and skipped
# tests are still listed with their messages.
# -tl:off: MSBuild's terminal logger would redraw lines instead of printing.
# --blame-hang-timeout: a hung test host is killed (and reported as aborted)
# long before CI's time limit.
args=(test "$SLN" -c Release -tl:off --logger "console;verbosity=minimal")
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

read -r passed failed skipped < <(summarize_test_log "$LOG" "$rc")
passed=$((passed + web_passed)); failed=$((failed + web_failed))

# Stop PostgreSQL now, so that its messages do not come after the last line.
stop_pg

status=0
if ((failed > 0 || rc != 0)); then
    status=1
elif ((passed + failed + skipped == 0)); then
    say "no test ran"
    status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
