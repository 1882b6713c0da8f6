#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2030,SC2031  # functions run from traps look unreachable to it; the
# exports in the ( ... ) subshells below are meant to stay local to them
# run.sh — build LabScheduler and run it in the foreground:
#   a private PostgreSQL (unless LABSCHED_DB is given) and one process: the
#   Orleans silo with the HTTP gateway co-hosted in it (or, with
#   LABSCHED_TOPOLOGY=separate, the silo and the gateway as two processes).
#   Ctrl-C stops everything.
#
# Environment:
#   LABSCHED_DB    Npgsql connection string of an existing database (or
#                  ConnectionStrings__LabScheduler); when set, no private
#                  PostgreSQL is started.
#   LABSCHED_DATA  folder for the private PostgreSQL and the logs
#                  (default: <repo>/.data; a relative path is taken relative
#                  to the current directory).
#   LABSCHED_PORT  HTTP port of the gateway on 127.0.0.1 (default 5080).
#   LABSCHED_SKIP_BUILD=1  skip `dotnet build` (use what bin/ holds).
#   LABSCHED_TOPOLOGY  cohosted (default: one process, the gateway inside the
#                  silo; log silo.log) or separate (a silo process and a
#                  gateway process talking Orleans over loopback, as
#                  deploy/cluster.sh, compose and k8s run them; logs silo.log
#                  and gateway.log).
#   Auth__Mode     demo (default: dev tokens from POST /api/v1/auth/dev-token)
#                  or oidc (with Auth__Authority, Auth__Audience and, for a
#                  provider on http://localhost, Auth__RequireHttpsMetadata=false).
#   Any other setting of the silo or gateway (Seed__Demo, ASPNETCORE_ENVIRONMENT,
#   DOTNET_ENVIRONMENT, Orleans__*, Auth__*, ...) is taken from the environment
#   where it is set; run.sh supplies defaults only for what is unset.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

LABSCHED_PORT=${LABSCHED_PORT:-5080}
LABSCHED_DATA=${LABSCHED_DATA:-$ROOT/.data}
mkdir -p "$LABSCHED_DATA"
LABSCHED_DATA=$(cd "$LABSCHED_DATA" && pwd -P)   # made absolute
export LABSCHED_DATA LABSCHED_PORT
LABSCHED_TOPOLOGY=${LABSCHED_TOPOLOGY:-cohosted}

SILO_DLL=$ROOT/silo/LabScheduler.Silo/bin/Release/net10.0/LabScheduler.Silo.dll
GATEWAY_DLL=$ROOT/client/LabScheduler.Gateway/bin/Release/net10.0/LabScheduler.Gateway.dll
READY_TIMEOUT=180

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

case "$LABSCHED_TOPOLOGY" in
    cohosted | separate) ;;
    *) die "LABSCHED_TOPOLOGY is '$LABSCHED_TOPOLOGY'; it must be cohosted or separate" ;;
esac

cd "$ROOT"

# Defaults only where the operator set nothing.
export Auth__Mode=${Auth__Mode:-demo}
case "$Auth__Mode" in
    demo) say "auth mode: demo (anyone who reaches the gateway can get a dev token for any user)" ;;
    oidc)
        say "auth mode: oidc (issuer ${Auth__Authority:-<unset>}, audience ${Auth__Audience:-<unset>}); no dev tokens"
        [[ -n "${Auth__Authority:-}" && -n "${Auth__Audience:-}" ]] ||
            die "Auth__Mode=oidc needs Auth__Authority and Auth__Audience"
        ;;
    *) die "Auth__Mode is '$Auth__Mode'; it must be demo or oidc" ;;
esac
export Seed__Demo=${Seed__Demo:-true}
# One machine, one silo: the Orleans dashboard for administrators at /admin/orleans/ (the
# admin's dashboard screen has the link). It times every grain call; Orleans__Dashboard=false turns it off.
export Orleans__Dashboard=${Orleans__Dashboard:-true}
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}

# --- prerequisites ----------------------------------------------------------
command -v dotnet >/dev/null 2>&1 ||
    die "the .NET SDK ('dotnet') is not on PATH; install .NET SDK 10 and try again"

if ! command -v curl >/dev/null 2>&1; then
    say "curl is missing; installing it with apt-get"
    [[ $EUID -eq 0 ]] || die "curl is missing and we are not root: run 'sudo apt-get install -y curl'"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q curl >&2
fi

# SDK 10's `dotnet new sln` writes LabScheduler.slnx, older ones .sln: take
# whichever exists.
SLN=
for f in LabScheduler.sln LabScheduler.slnx; do
    [[ -f "$f" ]] && { SLN=$f; break; }
done
[[ -n "$SLN" ]] || die "neither LabScheduler.sln nor LabScheduler.slnx found in $ROOT"

# --- ports ------------------------------------------------------------------
# port_in_use PORT: is something listening on TCP PORT (any address)?
port_in_use() {
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]
    else
        # Connecting succeeds only when something listens.
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
    fi
}

# free_port START [EXCLUDE]: first free port >= START (other than EXCLUDE).
free_port() {
    local p=$1 exclude=${2:-} last=$(($1 + 1000))
    for (( ; p < last; p++)); do
        [[ "$p" == "$exclude" ]] && continue
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    return 1
}

# A gateway of an earlier run killed with SIGKILL (kill -9 of our process
# group) may still hold its port for a few seconds. Its pid is in
# $LABSCHED_DATA/gateway.pid (the silo's when co-hosted): while that process
# (still a dotnet of ours) or its socket lingers, wait up to 15 s instead of
# failing at once.
GATEWAY_PID_FILE=$LABSCHED_DATA/gateway.pid
if port_in_use "$LABSCHED_PORT" && [[ -f "$GATEWAY_PID_FILE" ]]; then
    say "port $LABSCHED_PORT is busy; waiting for the gateway of an earlier run to release it"
    for ((i = 0; i < 150; i++)); do
        port_in_use "$LABSCHED_PORT" || break
        old_pid=$(cat "$GATEWAY_PID_FILE" 2>/dev/null || true)
        # A live listener that is not our old gateway is someone else's: stop waiting.
        if [[ -n "$old_pid" ]] && kill -0 "$old_pid" 2>/dev/null &&
            ! tr '\0' ' ' <"/proc/$old_pid/cmdline" 2>/dev/null | grep -Eq "LabScheduler\.(Gateway|Silo)\.dll"; then
            break
        fi
        sleep 0.1
    done
fi
port_in_use "$LABSCHED_PORT" &&
    die "port $LABSCHED_PORT is already in use; set LABSCHED_PORT to a free port"

# --- build --------------------------------------------------------------------
if [[ "${LABSCHED_SKIP_BUILD:-0}" != 1 ]]; then
    say "building $SLN (Release)"
    dotnet build "$SLN" -c Release -nologo -v q </dev/null ||
        die "dotnet build failed"
fi
[[ -f "$SILO_DLL" ]] || die "silo not built: $SILO_DLL is missing"
[[ $LABSCHED_TOPOLOGY == cohosted || -f "$GATEWAY_DLL" ]] || die "gateway not built: $GATEWAY_DLL is missing"

client/LabScheduler.Web/build.sh || die "the web app did not build"   # skipped when nothing changed
# --- cleanup (installed before anything is started) ---------------------------
SILO_PID=
GATEWAY_PID=
STARTED_PG=0

# alive PID: running and not a zombie (a dead child stays a zombie until
# `wait` reaps it, and kill -0 succeeds on zombies).
alive() {
    local state
    [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
    [[ "$state" != Z ]]
}

# stop_child NAME PID: SIGTERM, up to 20 s of grace, then SIGKILL.
stop_child() {
    local name=$1 pid=$2 i
    alive "$pid" || return 0
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        say "$name did not stop within 20 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

CLEANED=0
cleanup() {
    local rc=$?
    [[ $CLEANED -eq 1 ]] && return
    CLEANED=1
    # A second Ctrl-C must not interrupt the cleanup; nor may a dead reader of
    # our output (e.g. `./run.sh | tee x` whose tee died of the same Ctrl-C):
    # with SIGPIPE ignored, writes just fail and the cleanup goes on.
    trap '' INT TERM PIPE
    set +e
    stop_child gateway "$GATEWAY_PID"
    rm -f "$GATEWAY_PID_FILE"
    stop_child silo "$SILO_PID"
    if [[ $STARTED_PG -eq 1 ]]; then
        say "stopping the private PostgreSQL"
        pg_stop_private "$LABSCHED_DATA" || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- database ------------------------------------------------------------------
LABSCHED_DB=${LABSCHED_DB:-${ConnectionStrings__LabScheduler:-}}
if [[ -n "${LABSCHED_DB:-}" ]]; then
    CONN=$LABSCHED_DB
    say "using the database given in LABSCHED_DB"
else
    # shellcheck source=deploy/pg.sh
    source "$ROOT/deploy/pg.sh"
    pg_ensure_installed
    STARTED_PG=1
    pg_start_private "$LABSCHED_DATA"
    CONN=$LABSCHED_PG_CONNSTR
fi

# --- Orleans ports ----------------------------------------------------------------
SILO_PORT=$(free_port 11111) || die "no free TCP port from 11111 on"
GATEWAY_ORLEANS_PORT=$(free_port 30000 "$SILO_PORT") || die "no free TCP port from 30000 on"
say "Orleans silo port $SILO_PORT, Orleans gateway port $GATEWAY_ORLEANS_PORT"

# --- children -----------------------------------------------------------------------
# prefixed NAME LOG: copy stdin to LOG (as is) and to the terminal with a
# "[NAME] " prefix. It ignores INT/TERM so that a Ctrl-C does not cut the
# shutdown messages of the child it serves, and PIPE plus `tee -p` so that
# the log is still written when the terminal side is gone; it ends when the
# child closes its output.
prefixed() {
    trap '' INT TERM PIPE
    tee -p -a "$2" | sed -u "s/^/[$1] /"
}

# The logs are appended to across runs: mark where this run starts.
LOGS=(silo)
[[ $LABSCHED_TOPOLOGY == separate ]] && LOGS+=(gateway)
for f in "${LOGS[@]}"; do
    printf '\n===== %s: run.sh starts the %s =====\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$f" \
        >>"$LABSCHED_DATA/$f.log"
done
WEB_ROOT=${Web__Root:-$ROOT/client/LabScheduler.Gateway/wwwroot}

# Each child runs in its own bin folder: the .NET hosts take the current
# directory as content root, which is where they look for appsettings*.json.
# The subshells `exec` dotnet, so $! is the pid of dotnet itself.
# Co-hosted, the silo is also the gateway: --Gateway:CoHosted=true is on its
# command line (so that ps and the benchmark's CPU meter tell it from a lone silo).
SILO_ARGS=()
if [[ $LABSCHED_TOPOLOGY == cohosted ]]; then
    SILO_ARGS=(--Gateway:CoHosted=true --urls "http://127.0.0.1:$LABSCHED_PORT")
    say "starting the silo with the gateway co-hosted on http://127.0.0.1:$LABSCHED_PORT (log: $LABSCHED_DATA/silo.log)"
else
    say "starting the silo (log: $LABSCHED_DATA/silo.log)"
fi
(
    cd "$(dirname "$SILO_DLL")"
    export ConnectionStrings__LabScheduler=$CONN
    export Orleans__SiloPort=$SILO_PORT
    export Orleans__GatewayPort=$GATEWAY_ORLEANS_PORT
    [[ $LABSCHED_TOPOLOGY == cohosted ]] && export Web__Root=$WEB_ROOT
    exec dotnet "$SILO_DLL" "${SILO_ARGS[@]}"
) </dev/null > >(prefixed silo "$LABSCHED_DATA/silo.log") 2>&1 &
SILO_PID=$!

if [[ $LABSCHED_TOPOLOGY == separate ]]; then
    say "starting the gateway on http://127.0.0.1:$LABSCHED_PORT (log: $LABSCHED_DATA/gateway.log)"
    (
        cd "$(dirname "$GATEWAY_DLL")"
        export ConnectionStrings__LabScheduler=$CONN
        export Web__Root=$WEB_ROOT
        exec dotnet "$GATEWAY_DLL" --urls "http://127.0.0.1:$LABSCHED_PORT"
    ) </dev/null > >(prefixed gateway "$LABSCHED_DATA/gateway.log") 2>&1 &
    GATEWAY_PID=$!
    echo "$GATEWAY_PID" >"$GATEWAY_PID_FILE"
else
    echo "$SILO_PID" >"$GATEWAY_PID_FILE"
fi

# log_tail LOG: the last 40 lines that this run wrote to LOG.
log_tail() {
    awk '/^===== .*: run\.sh starts the / { n = 0 } { line[++n] = $0 }
         END { for (i = (n > 40 ? n - 39 : 1); i <= n; i++) print line[i] }' "$1" >&2 || true
}

# child_died NAME PID LOG: report a dead child with the end of its log.
child_died() {
    local status=0
    wait "$2" 2>/dev/null || status=$?
    say "$1 exited (status $status) before LabScheduler became ready; last lines of $3:"
    log_tail "$3"
}

# --- wait until ready -----------------------------------------------------------------
READY_URL=http://127.0.0.1:$LABSCHED_PORT/health/ready
ready=0
deadline=$((SECONDS + READY_TIMEOUT))   # by the clock: curl itself may take a while
while ((SECONDS < deadline)); do
    if ! alive "$SILO_PID"; then
        child_died silo "$SILO_PID" "$LABSCHED_DATA/silo.log"
        exit 1
    fi
    if [[ -n "$GATEWAY_PID" ]] && ! alive "$GATEWAY_PID"; then
        child_died gateway "$GATEWAY_PID" "$LABSCHED_DATA/gateway.log"
        exit 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$READY_URL" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 1
done
if [[ $ready -ne 1 ]]; then
    say "LabScheduler did not become ready within $READY_TIMEOUT s ($READY_URL)"
    say "last lines of the silo log:";    log_tail "$LABSCHED_DATA/silo.log"
    if [[ -n "$GATEWAY_PID" ]]; then
        say "last lines of the gateway log:"; log_tail "$LABSCHED_DATA/gateway.log"
    fi
    exit 1
fi

echo "LabScheduler is ready at http://127.0.0.1:$LABSCHED_PORT"

# --- run in the foreground ---------------------------------------------------------------
# `wait` returns early when a trapped signal arrives, so Ctrl-C/SIGTERM reach
# cleanup() at once. If either child exits on its own, stop everything.
status=0
# shellcheck disable=SC2086  # GATEWAY_PID is empty when co-hosted
wait -n "$SILO_PID" $GATEWAY_PID || status=$?
if ! alive "$SILO_PID"; then
    say "the silo exited (status $status); stopping"
else
    say "the gateway exited (status $status); stopping"
fi
exit $((status == 0 ? 1 : status))
