#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2030,SC2031  # functions run from traps look unreachable to it; the
# exports in the ( ... ) subshells are meant to stay local to them
# deploy/cluster.sh — a local multi-process LabScheduler cluster on this one
# machine: one PostgreSQL, N Orleans silos, M HTTP gateways. It stays in the
# foreground; Ctrl-C (or SIGTERM) stops everything it started.
#
#   deploy/cluster.sh [run] [--silos N] [--gateways M] [--data DIR] [--port BASE] [--tls]
#       N silos (default 3), M gateways (default 2) on http://127.0.0.1:BASE,
#       BASE+1, ... (default 5080), everything under DIR (default
#       <repo>/.data/cluster): the private PostgreSQL, one log per process
#       (DIR/silo-1.log, DIR/gateway-1.log, ...), the demo signing key shared
#       by all gateways (DIR/dev-signing.key) and the pid files (DIR/run/).
#       --tls: silos and gateways talk TLS with client certificates
#       (Orleans__Tls__*): a private CA and one certificate for the silos and one
#       for the gateways are made under DIR/tls with openssl (kept for the next
#       run); a process without a certificate from that CA reaches no silo.
#
# While it runs, from another terminal (same --data):
#   deploy/cluster.sh status     [--data DIR]  processes and the membership table
#   deploy/cluster.sh kill-silo K [--data DIR] SIGKILL silo K (a crash)
#   deploy/cluster.sh stop-silo K [--data DIR] SIGTERM silo K (a graceful leave)
#   deploy/cluster.sh start-silo K [--data DIR] (re)start silo K; a new K adds a silo
#   deploy/cluster.sh stop       [--data DIR]  stop the whole cluster (as Ctrl-C)
# The foreground cluster.sh reports each process that exits or comes back,
# and how long the cluster took to declare a lost silo dead.
#
# Environment:
#   LABSCHED_DB           Npgsql connection string of an existing database; when
#                         set, no private PostgreSQL is started.
#   LABSCHED_SKIP_BUILD=1 skip `dotnet build` (use what bin/ holds).
#   LABSCHED_READY_TIMEOUT seconds to wait for every gateway to be ready (300).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SILO_DLL=$ROOT/silo/LabScheduler.Silo/bin/Release/net10.0/LabScheduler.Silo.dll
GATEWAY_DLL=$ROOT/client/LabScheduler.Gateway/bin/Release/net10.0/LabScheduler.Gateway.dll
READY_TIMEOUT=${LABSCHED_READY_TIMEOUT:-300}
ME=deploy/cluster.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf 'cluster.sh: %s\n' "$*" >&2; }
die() { printf 'cluster.sh: error: %s\n' "$*" >&2; exit 1; }
# event MESSAGE: something that happened to the running cluster (stdout, timestamped).
event() { printf '[%s] %s\n' "$(date '+%H:%M:%S')" "$*"; }

usage() {
    sed -n '4,/^set -euo pipefail/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# --- arguments ------------------------------------------------------------------
CMD=run
CMD_ARG=
SILOS=3
GATEWAYS=2
DATA=$ROOT/.data/cluster
BASE=5080
TLS=0
# Orleans' defaults. One database holds one cluster: two clusters with the same
# ServiceId on one database would both activate the same grains.
CLUSTER_ID=labsched

if [[ $# -gt 0 && "$1" != -* ]]; then
    CMD=$1
    shift
    case "$CMD" in
        run | status | stop) ;;
        kill-silo | stop-silo | start-silo)
            [[ $# -gt 0 && "$1" != -* ]] || die "usage: $ME $CMD K [--data DIR]"
            CMD_ARG=$1
            shift
            [[ "$CMD_ARG" =~ ^[1-9][0-9]{0,2}$ ]] || die "silo index must be a number from 1: '$CMD_ARG'"
            ;;
        help) usage; exit 0 ;;
        *) usage >&2; die "unknown command '$CMD'" ;;
    esac
fi
while [[ $# -gt 0 ]]; do
    case "$1" in
        --silos) SILOS=${2:?--silos needs a number}; shift 2 ;;
        --gateways) GATEWAYS=${2:?--gateways needs a number}; shift 2 ;;
        --data) DATA=${2:?--data needs a folder}; shift 2 ;;
        --port) BASE=${2:?--port needs a number}; shift 2 ;;
        --silos=*) SILOS=${1#*=}; shift ;;
        --gateways=*) GATEWAYS=${1#*=}; shift ;;
        --data=*) DATA=${1#*=}; shift ;;
        --port=*) BASE=${1#*=}; shift ;;
        --tls) TLS=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
[[ "$SILOS" =~ ^[1-9][0-9]?$ ]] || die "--silos must be 1..99, not '$SILOS'"
[[ "$GATEWAYS" =~ ^[1-9][0-9]?$ ]] || die "--gateways must be 1..99, not '$GATEWAYS'"
{ [[ "$BASE" =~ ^[1-9][0-9]{0,4}$ ]] && ((BASE + GATEWAYS - 1 <= 65535)); } ||
    die "--port must be a TCP port (with room for $GATEWAYS gateways), not '$BASE'"

if [[ "$CMD" != run && ! -d "$DATA" ]]; then die "no cluster runs on $DATA (no such folder)"; fi
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd -P)   # absolute: children run in their bin folders
RUN=$DATA/run                  # pid files, ports, cluster.env

# --- processes ------------------------------------------------------------------
# Every child gets LABSCHED_CLUSTER_PROC=<DATA>:<name> in its environment, so a
# pid file is trusted only while that pid is still the process we started (a
# pid can be reused after a reboot or a long time).

# alive PID: running and not a zombie (kill -0 succeeds on zombies).
alive() {
    local state
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# ours NAME: print the pid of process NAME (silo-2, gateway-1) when it is alive
# and is the one this cluster started.
ours() {
    local f=$RUN/$1.pid pid
    [[ -f "$f" ]] || return 1
    pid=$(tr -dc '0-9' <"$f")
    alive "$pid" || return 1
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "LABSCHED_CLUSTER_PROC=$DATA:$1" || return 1
    printf '%s\n' "$pid"
}

# names KIND: the names of the processes of KIND (silo|gateway) with a pid
# file, in index order.
names() {
    local f
    for f in "$RUN/$1"-*.pid; do
        [[ -e "$f" ]] || continue
        f=${f##*/}
        printf '%s\n' "${f%.pid}"
    done | sort -t- -k2,2n
}

# stop_all SIGNAL GRACE NAME...: send SIGNAL to every live NAME at once, wait
# up to GRACE seconds for all of them, then SIGKILL what is left.
stop_all() {
    local sig=$1 grace=$2 name pid i left
    shift 2
    local -a pids=()
    for name in "$@"; do
        pid=$(ours "$name") || continue
        say "stopping $name (pid $pid)"
        kill "-$sig" "$pid" 2>/dev/null || true
        pids+=("$pid")
    done
    [[ ${#pids[@]} -gt 0 ]] || return 0
    for ((i = 0; i < grace * 10; i++)); do
        left=0
        for pid in "${pids[@]}"; do alive "$pid" && left=1; done
        [[ $left -eq 0 ]] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        if alive "$pid"; then
            say "pid $pid did not stop within $grace s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
}

# --- ports --------------------------------------------------------------------------
port_in_use() {
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
    fi
}

CLAIMED=" "   # ports handed out by this invocation but maybe not bound yet
# claim_port START: set PORT to the first free port >= START that is not
# claimed yet, and claim it (no $(...): the claim must stay in this shell).
claim_port() {
    local p=$1 last=$(($1 + 2000))
    for (( ; p < last && p <= 65535; p++)); do
        [[ "$CLAIMED" == *" $p "* ]] && continue
        port_in_use "$p" && continue
        CLAIMED+="$p "
        PORT=$p
        return 0
    done
    return 1
}

# --- PostgreSQL access for psql (the membership table) ---------------------------------
# pg_env_from_npgsql CONNSTR: print PGHOST=... lines (libpq environment) for an
# Npgsql connection string (Host, Port, Username, Password, Database, SSL Mode).
pg_env_from_npgsql() {
    local part key value
    local IFS=';'
    for part in $1; do
        [[ "$part" == *=* ]] || continue
        key=${part%%=*}; value=${part#*=}
        key=$(printf '%s' "$key" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
        value=${value#"${value%%[![:space:]]*}"}; value=${value%"${value##*[![:space:]]}"}
        [[ "$value" == \"*\" || "$value" == \'*\' ]] && value=${value:1:${#value}-2}
        case "$key" in
            host | server) printf 'PGHOST=%s\n' "${value%%,*}" ;;
            port) printf 'PGPORT=%s\n' "$value" ;;
            username | user | userid | username* | uid) printf 'PGUSER=%s\n' "$value" ;;
            password | pwd | psw) printf 'PGPASSWORD=%s\n' "$value" ;;
            database | db) printf 'PGDATABASE=%s\n' "$value" ;;
            sslmode) printf 'PGSSLMODE=%s\n' "$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]')" ;;
        esac
    done
}

find_psql() {
    local d best=
    if [[ -n "${PG_BIN:-}" && -x "$PG_BIN/psql" ]]; then echo "$PG_BIN/psql"; return 0; fi
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
        [[ -x "$d/psql" ]] && best=$d/psql
    done
    if [[ -z "$best" ]]; then best=$(command -v psql 2>/dev/null) || true; fi
    [[ -n "$best" ]] && echo "$best"
}

# sql ARGS...: psql on the cluster's database (CONN), quiet, no ~/.psqlrc.
sql() {
    [[ -n "${PSQL:-}" ]] || return 1
    local line
    (
        while IFS= read -r line; do
            # shellcheck disable=SC2163  # exporting the NAME=value just read
            [[ -n "$line" ]] && export "$line"
        done < <(pg_env_from_npgsql "$CONN")
        exec "$PSQL" -X -q -v ON_ERROR_STOP=1 -P pager=off "$@"
    )
}

STATUS_NAMES="CASE status WHEN 0 THEN 'None' WHEN 1 THEN 'Created' WHEN 2 THEN 'Joining' WHEN 3 THEN 'Active'
    WHEN 4 THEN 'ShuttingDown' WHEN 5 THEN 'Stopping' WHEN 6 THEN 'Dead' ELSE '?' END"

# membership: print the rows of OrleansMembershipTable for this cluster that
# started since this run began (older rows of earlier runs stay Dead until
# Orleans purges them).
membership() {
    sql -v cid="$CLUSTER_ID" -v t0="$RUN_T0" <<SQL
SELECT siloname AS "SiloName", address AS "Address", port AS "Port", proxyport AS "GatewayPort",
       status AS "Status", $STATUS_NAMES AS "State", generation AS "Generation",
       to_char(iamalivetime, 'HH24:MI:SS') AS "IAmAlive (UTC)"
  FROM orleansmembershiptable
 WHERE deploymentid = :'cid' AND starttime >= :'t0'::timestamp
 ORDER BY starttime, port;
SQL
}

# active_count: number of Active (3) silos of this run.
active_count() {
    sql -tA -v cid="$CLUSTER_ID" -v t0="$RUN_T0" <<'SQL' 2>/dev/null
SELECT count(*) FROM orleansmembershiptable
 WHERE deploymentid = :'cid' AND starttime >= :'t0'::timestamp AND status = 3;
SQL
}

# silo_status PORT: "GENERATION STATUS" of the newest generation that used
# silo port PORT.
silo_status() {
    sql -tA -F ' ' -v cid="$CLUSTER_ID" -v port="$1" <<'SQL' 2>/dev/null
SELECT generation, status FROM orleansmembershiptable
 WHERE deploymentid = :'cid' AND address = '127.0.0.1' AND port = :'port'::int
 ORDER BY generation DESC LIMIT 1;
SQL
}

# --- TLS inside the cluster ----------------------------------------------------------
# make_tls DIR: a private CA (DIR/ca.pem) and two PKCS#12 certificates it issued,
# DIR/silo.p12 and DIR/gateway.p12, each for server and client authentication
# (silos are both to each other), their password in DIR/p12.pass. Kept when
# they exist. The keys never leave DIR (mode 700).
make_tls() {
    local dir=$1 role
    command -v openssl >/dev/null 2>&1 || die "--tls needs openssl (apt-get install -y openssl)"
    [[ -s "$dir/ca.pem" && -s "$dir/silo.p12" && -s "$dir/gateway.p12" && -s "$dir/p12.pass" ]] && return 0
    rm -rf "$dir"
    (umask 077 && mkdir -p "$dir")
    (
        umask 077
        cd "$dir"
        head -c 24 /dev/urandom | base64 -w0 >p12.pass
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 825 \
            -subj "/CN=LabScheduler cluster CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
        for role in silo gateway; do
            openssl req -newkey rsa:2048 -nodes -keyout "$role.key" -out "$role.csr" -subj "/CN=labsched-$role" 2>/dev/null
            printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
                "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$role.ext"
            openssl x509 -req -in "$role.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
                -extfile "$role.ext" -out "$role.pem" 2>/dev/null
            openssl pkcs12 -export -inkey "$role.key" -in "$role.pem" -certfile ca.pem \
                -passout file:p12.pass -out "$role.p12"
            rm -f "$role.csr" "$role.ext" "$role.key"
        done
    ) || die "could not make the cluster's TLS certificates in $dir"
    say "made a private CA and certificates for the silos and gateways in $dir"
}

# tls_env ROLE: in a child's subshell, the Orleans__Tls__* settings of ROLE
# (silo or gateway) when the cluster runs with --tls.
tls_env() {
    [[ "$TLS" == 1 ]] || return 0
    export Orleans__Tls__CertificateFile=$DATA/tls/$1.p12
    export Orleans__Tls__CertificatePasswordFile=$DATA/tls/p12.pass
    export Orleans__Tls__CaFile=$DATA/tls/ca.pem
}

# --- starting processes -------------------------------------------------------------
# start_silo K SEED: start silo K (its ports are kept in run/silo-K.ports and
# reused on a restart when free), output appended to DATA/silo-K.log.
start_silo() {
    local k=$1 seed=$2 name=silo-$1 sp='' gp='' log=$DATA/silo-$1.log
    if [[ -f "$RUN/$name.ports" ]]; then
        read -r sp gp <"$RUN/$name.ports" || true
        if [[ -n "$sp" && -n "$gp" ]] && ! port_in_use "$sp" && ! port_in_use "$gp" &&
            [[ "$CLAIMED" != *" $sp "* && "$CLAIMED" != *" $gp "* ]]; then
            CLAIMED+="$sp $gp "
        else
            sp='' gp=''
        fi
    fi
    if [[ -z "$sp" ]]; then
        # Keep clear of the ports of the other silos, running or down (a
        # silo that is down gets its own ports back when it restarts).
        local f a b
        for f in "$RUN"/silo-*.ports; do
            [[ -e "$f" && "$f" != "$RUN/$name.ports" ]] || continue
            read -r a b <"$f" || continue
            CLAIMED+="$a $b "
        done
        claim_port 11111 || die "no free TCP port from 11111 on"
        sp=$PORT
        claim_port 30000 || die "no free TCP port from 30000 on"
        gp=$PORT
    fi
    printf '%s %s\n' "$sp" "$gp" >"$RUN/$name.ports"
    printf '\n===== %s: cluster.sh starts %s (silo port %s, gateway port %s) =====\n' \
        "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$name" "$sp" "$gp" >>"$log"
    # The .NET host takes the current directory as content root (appsettings.json).
    # setsid: a Ctrl-C in the terminal reaches only this script, which then
    # stops the gateways before the silos. The subshell is no process group
    # leader, so setsid does not fork and $! is the pid of dotnet itself.
    (
        cd "$(dirname "$SILO_DLL")"
        export ConnectionStrings__LabScheduler=$CONN
        export Orleans__ClusterId=$CLUSTER_ID
        export Orleans__SiloPort=$sp Orleans__GatewayPort=$gp Orleans__AdvertisedIp=127.0.0.1
        export Seed__Demo=$seed
        tls_env silo
        export DOTNET_ENVIRONMENT=Development
        export LABSCHED_CLUSTER_PROC=$DATA:$name
        exec setsid dotnet "$SILO_DLL"
    ) </dev/null >>"$log" 2>&1 &
    echo $! >"$RUN/$name.pid"
    # No job notices ("Killed ...") when one is SIGKILLed; bash still reaps it.
    disown $!
    await_exec "$name" "$(<"$RUN/$name.pid")"
    say "started $name (pid $(<"$RUN/$name.pid"), silo port $sp, Orleans gateway port $gp, seed demo data: $seed; log $log)"
}

# start_gateway K: start gateway K on http://127.0.0.1:BASE+K-1.
start_gateway() {
    local k=$1 name=gateway-$1 port=$((BASE + $1 - 1)) log=$DATA/gateway-$1.log
    echo "$port" >"$RUN/$name.port"
    printf '\n===== %s: cluster.sh starts %s (http://127.0.0.1:%s) =====\n' \
        "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$name" "$port" >>"$log"
    (
        cd "$(dirname "$GATEWAY_DLL")"
        export ConnectionStrings__LabScheduler=$CONN
        export Orleans__ClusterId=$CLUSTER_ID
        export ASPNETCORE_ENVIRONMENT=Development
        export Auth__Mode=demo Auth__DevKeyFile=$DATA/dev-signing.key
        tls_env gateway
        export LABSCHED_DATA=$DATA
        export LABSCHED_CLUSTER_PROC=$DATA:$name
        exec setsid dotnet "$GATEWAY_DLL" --urls "http://127.0.0.1:$port"
    ) </dev/null >>"$log" 2>&1 &
    echo $! >"$RUN/$name.pid"
    disown $!
    await_exec "$name" "$(<"$RUN/$name.pid")"
    say "started $name (pid $(<"$RUN/$name.pid"), http://127.0.0.1:$port; log $log)"
}

# log_tail LOG: the last 40 lines of LOG.
log_tail() { tail -n 40 "$1" >&2 2>/dev/null || true; }

# await_exec NAME PID: wait (up to 5 s) until the forked subshell PID has
# exec'ed dotnet: only then does its /proc environ carry the marker that
# `ours` checks.
await_exec() {
    local i
    for ((i = 0; i < 100; i++)); do
        tr '\0' '\n' <"/proc/$2/environ" 2>/dev/null | grep -qxF "LABSCHED_CLUSTER_PROC=$DATA:$1" && return 0
        alive "$2" || return 0
        sleep 0.05
    done
}

# --- commands that act on a running cluster ---------------------------------------------
# load_running: the state of the cluster that runs on DATA (dies when none runs).
load_running() {
    local pid
    [[ -f "$RUN/cluster.env" && -f "$RUN/cluster.pid" ]] || die "no cluster runs on $DATA (no $RUN/cluster.env)"
    pid=$(tr -dc '0-9' <"$RUN/cluster.pid")
    { alive "$pid" && grep -q cluster.sh "/proc/$pid/cmdline" 2>/dev/null; } ||
        die "no cluster runs on $DATA (its cluster.sh, pid $pid, is gone)"
    CLUSTER_PID=$pid
    # shellcheck source=/dev/null
    source "$RUN/cluster.env"
}

cmd_status() {
    local name pid port
    load_running
    printf 'cluster "%s" on %s (cluster.sh pid %s)\n' "$CLUSTER_ID" "$DATA" "$CLUSTER_PID"
    while IFS= read -r name; do
        [[ -n "$name" ]] || continue
        read -r port _ 2>/dev/null <"$RUN/$name.ports" || port='?'
        if pid=$(ours "$name"); then
            printf '  %-10s pid %-7s silo port %-5s up\n' "$name" "$pid" "$port"
        else
            printf '  %-10s %-11s silo port %-5s DOWN\n' "$name" "" "$port"
        fi
    done < <(names silo)
    while IFS= read -r name; do
        [[ -n "$name" ]] || continue
        port=$(cat "$RUN/$name.port" 2>/dev/null || echo ?)
        if pid=$(ours "$name"); then
            printf '  %-10s pid %-7s http://127.0.0.1:%s up\n' "$name" "$pid" "$port"
        else
            printf '  %-10s %-11s http://127.0.0.1:%s DOWN\n' "$name" "" "$port"
        fi
    done < <(names gateway)
    echo "Membership (OrleansMembershipTable; Status 3 = Active, 6 = Dead):"
    membership || say "could not query the membership table"
}

cmd_signal_silo() {
    local sig=$1 k=$CMD_ARG pid port
    load_running
    pid=$(ours "silo-$k") || die "silo-$k is not running"
    read -r port _ <"$RUN/silo-$k.ports"
    kill "-$sig" "$pid"
    event "sent SIG$sig to silo-$k (pid $pid, silo port $port)"
    if [[ $sig == TERM ]]; then
        local i
        for ((i = 0; i < 600; i++)); do alive "$pid" || break; sleep 0.1; done
        if alive "$pid"; then say "silo-$k is still shutting down after 60 s"; else event "silo-$k has exited"; fi
    fi
}

cmd_start_silo() {
    local k=$CMD_ARG pid port old_gen='' gen st i t0=$SECONDS
    load_running
    if pid=$(ours "silo-$k"); then die "silo-$k already runs (pid $pid)"; fi
    if [[ -f "$RUN/silo-$k.ports" ]]; then
        read -r port _ <"$RUN/silo-$k.ports"
        read -r old_gen _ < <(silo_status "$port") || old_gen=
    fi
    start_silo "$k" false
    read -r port _ <"$RUN/silo-$k.ports"
    pid=$(tr -dc '0-9' <"$RUN/silo-$k.pid")
    for ((i = 0; i < 180; i++)); do
        alive "$pid" || { say "silo-$k exited; last lines of $DATA/silo-$k.log:"; log_tail "$DATA/silo-$k.log"; exit 1; }
        gen='' st=''
        read -r gen st < <(silo_status "$port") || true
        # A row of a newer generation on this port is the new process.
        if [[ "$st" == 3 && "$gen" != "${old_gen:-}" ]]; then
            event "silo-$k (pid $pid, generation $gen) is Active after $((SECONDS - t0)) s"
            return 0
        fi
        sleep 1
    done
    say "silo-$k did not become Active within 180 s (see $DATA/silo-$k.log)"
}

cmd_stop() {
    local i
    load_running
    kill -TERM "$CLUSTER_PID"
    say "sent SIGTERM to cluster.sh (pid $CLUSTER_PID); waiting for it to stop everything"
    for ((i = 0; i < 1200; i++)); do alive "$CLUSTER_PID" || { say "stopped"; return 0; }; sleep 0.1; done
    die "cluster.sh (pid $CLUSTER_PID) still runs after 120 s"
}

case "$CMD" in
    status) cmd_status; exit 0 ;;
    kill-silo) cmd_signal_silo KILL; exit 0 ;;
    stop-silo) cmd_signal_silo TERM; exit 0 ;;
    start-silo) cmd_start_silo; exit 0 ;;
    stop) cmd_stop; exit 0 ;;
esac

# --- run: prerequisites ---------------------------------------------------------------------
cd "$ROOT"
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK ('dotnet') is not on PATH; install .NET SDK 10"
command -v setsid >/dev/null 2>&1 || die "setsid (util-linux) is missing"
if ! command -v curl >/dev/null 2>&1; then
    say "curl is missing; installing it with apt-get"
    [[ $EUID -eq 0 ]] || die "curl is missing and we are not root: run 'sudo apt-get install -y curl'"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q curl >&2
fi

mkdir -p "$RUN"
if [[ -f "$RUN/cluster.pid" ]]; then
    old=$(tr -dc '0-9' <"$RUN/cluster.pid")
    if alive "$old" && grep -q cluster.sh "/proc/$old/cmdline" 2>/dev/null; then
        die "a cluster already runs on $DATA (cluster.sh pid $old); stop it ($ME stop --data $DATA) or pick another --data"
    fi
fi
# Children left by an earlier cluster.sh that was SIGKILLed.
mapfile -t stale < <(names gateway; names silo)
if [[ ${#stale[@]} -gt 0 ]]; then
    for name in "${stale[@]}"; do
        ours "$name" >/dev/null && say "stopping $name, left running by an earlier cluster.sh on $DATA"
    done
    stop_all TERM 30 "${stale[@]}"
fi
rm -f "$RUN"/*.pid "$RUN"/*.port "$RUN"/*.ports "$RUN"/cluster.env

for ((i = 0; i < GATEWAYS; i++)); do
    port_in_use $((BASE + i)) &&
        die "port $((BASE + i)) is already in use; pick another --port (gateways use $BASE..$((BASE + GATEWAYS - 1)))"
done

SLN=
for f in LabScheduler.sln LabScheduler.slnx; do
    [[ -f "$f" ]] && { SLN=$f; break; }
done
if [[ "${LABSCHED_SKIP_BUILD:-0}" != 1 ]]; then
    [[ -n "$SLN" ]] || die "neither LabScheduler.sln nor LabScheduler.slnx found in $ROOT"
    say "building $SLN (Release)"
    dotnet build "$SLN" -c Release -nologo -v q </dev/null >&2 || die "dotnet build failed"
fi
[[ -f "$SILO_DLL" ]] || die "silo not built: $SILO_DLL is missing"
[[ -f "$GATEWAY_DLL" ]] || die "gateway not built: $GATEWAY_DLL is missing"

# --- run: cleanup (installed before anything is started) --------------------------------------
echo $$ >"$RUN/cluster.pid"
STARTED_PG=0
SLEEP_PID=
CLEANED=0
cleanup() {
    local rc=$? t0=$SECONDS
    [[ $CLEANED -eq 1 ]] && return
    CLEANED=1
    # A second Ctrl-C must not cut the cleanup short, nor a closed terminal.
    trap '' INT TERM HUP PIPE
    set +e
    [[ -n "$SLEEP_PID" ]] && kill "$SLEEP_PID" 2>/dev/null
    say "stopping the cluster: gateways first, then silos"
    mapfile -t procs < <(names gateway)
    stop_all TERM 20 "${procs[@]}"
    mapfile -t procs < <(names silo)
    stop_all TERM 60 "${procs[@]}"
    if [[ $STARTED_PG -eq 1 ]]; then
        say "stopping the private PostgreSQL"
        pg_stop_private "$DATA" || true
    fi
    rm -f "$RUN"/*.pid "$RUN/cluster.env"   # cluster.pid included
    say "stopped everything in $((SECONDS - t0)) s"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- run: database --------------------------------------------------------------------------------
if [[ -n "${LABSCHED_DB:-}" ]]; then
    CONN=$LABSCHED_DB
    say "using the database given in LABSCHED_DB"
else
    # shellcheck source=deploy/pg.sh
    source "$ROOT/deploy/pg.sh"
    pg_ensure_installed
    STARTED_PG=1
    pg_start_private "$DATA"
    CONN=$LABSCHED_PG_CONNSTR
fi
PSQL=$(find_psql) || PSQL=
[[ -n "$PSQL" ]] || say "psql not found: the membership table will not be shown"
RUN_T0=$(sql -tA -c "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')" 2>/dev/null) ||
    RUN_T0=$(date -u '+%Y-%m-%d %H:%M:%S')
{
    printf 'CONN=%q\nCLUSTER_ID=%q\nPSQL=%q\nRUN_T0=%q\nBASE=%q\n' "$CONN" "$CLUSTER_ID" "$PSQL" "$RUN_T0" "$BASE"
    printf 'SILO_DLL=%q\nGATEWAY_DLL=%q\nTLS=%q\n' "$SILO_DLL" "$GATEWAY_DLL" "$TLS"
} >"$RUN/cluster.env"
chmod 600 "$RUN/cluster.env"   # the connection string may hold a password

# --- run: the demo signing key, shared by every gateway --------------------------------------------
# Made here, before any gateway starts, so that two gateways never race to
# create it. Same format as the gateway's own: base64 of 64 random bytes.
KEY_FILE=$DATA/dev-signing.key
if [[ ! -s "$KEY_FILE" ]]; then
    (umask 077 && head -c 64 /dev/urandom | base64 -w0 >"$KEY_FILE.tmp" && mv "$KEY_FILE.tmp" "$KEY_FILE")
fi

if [[ "$TLS" == 1 ]]; then make_tls "$DATA/tls"; fi

# --- run: silos and gateways ----------------------------------------------------------------------
T_START=$SECONDS
# Silo 1 seeds the demo data; all start at once (the migrations take an
# advisory lock, Orleans sorts out the joins).
for ((k = 1; k <= SILOS; k++)); do
    start_silo "$k" "$([[ $k -eq 1 ]] && echo true || echo false)"
done
# Gateways keep retrying until a silo answers: no need to wait for the silos.
for ((k = 1; k <= GATEWAYS; k++)); do
    start_gateway "$k"
done

# --- run: wait until every gateway is ready -------------------------------------------------------
declare -A READY=()
deadline=$((SECONDS + READY_TIMEOUT))
next_note=$((SECONDS + 15))
while ((${#READY[@]} < GATEWAYS)); do
    for name in $(names silo) $(names gateway); do
        if ! ours "$name" >/dev/null; then
            say "$name exited before the cluster became ready; last lines of $DATA/$name.log:"
            log_tail "$DATA/$name.log"
            exit 1
        fi
    done
    for ((k = 1; k <= GATEWAYS; k++)); do
        [[ -n "${READY[$k]:-}" ]] && continue
        if curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$((BASE + k - 1))/health/ready" 2>/dev/null; then
            READY[$k]=1
            say "gateway-$k is ready after $((SECONDS - T_START)) s"
        fi
    done
    ((${#READY[@]} < GATEWAYS)) || break
    if ((SECONDS >= deadline)); then
        say "not every gateway became ready within $READY_TIMEOUT s"
        for ((k = 1; k <= GATEWAYS; k++)); do
            [[ -n "${READY[$k]:-}" ]] && continue
            say "gateway-$k /health/ready: $(curl -sS --max-time 5 "http://127.0.0.1:$((BASE + k - 1))/health/ready" 2>&1 || true)"
            log_tail "$DATA/gateway-$k.log"
        done
        exit 1
    fi
    if ((SECONDS >= next_note)); then
        say "still waiting for the gateways ($(( ${#READY[@]} ))/$GATEWAYS ready after $((SECONDS - T_START)) s)"
        next_note=$((SECONDS + 15))
    fi
    sleep 1
done

# The gateways are ready as soon as one silo is Active: give the others a
# moment to finish joining, so that the table below shows them all.
if [[ -n "$PSQL" ]]; then
    for ((i = 0; i < 90; i++)); do
        n=$(active_count) || n=0
        [[ "${n:-0}" -ge "$SILOS" ]] && break
        sleep 1
    done
    [[ "${n:-0}" -ge "$SILOS" ]] || say "only ${n:-0} of $SILOS silos are Active so far"
fi

REL_DATA=$DATA
[[ "$DATA" == "$PWD"/* ]] && REL_DATA=${DATA#"$PWD"/}
echo
echo "LabScheduler cluster \"$CLUSTER_ID\" is ready after $((SECONDS - T_START)) s: $SILOS silo(s), $GATEWAYS gateway(s)"
for ((k = 1; k <= GATEWAYS; k++)); do
    printf '  gateway-%-2s http://127.0.0.1:%s   pid %s, log %s/gateway-%s.log\n' \
        "$k" "$((BASE + k - 1))" "$(ours "gateway-$k" || echo '?')" "$REL_DATA" "$k"
done
for ((k = 1; k <= SILOS; k++)); do
    read -r sp gp <"$RUN/silo-$k.ports"
    printf '  silo-%-5s 127.0.0.1:%s (Orleans gateway %s)   pid %s, log %s/silo-%s.log\n' \
        "$k" "$sp" "$gp" "$(ours "silo-$k" || echo '?')" "$REL_DATA" "$k"
done
if [[ $STARTED_PG -eq 1 ]]; then
    echo "  PostgreSQL $LABSCHED_PG_SOCKET (private, log $LABSCHED_PG_LOG)"
else
    echo "  PostgreSQL from LABSCHED_DB"
fi
echo "  demo signing key (shared by the gateways): $REL_DATA/dev-signing.key"
if [[ -n "$PSQL" ]]; then
    echo
    echo "Membership (OrleansMembershipTable; Status 3 = Active, 6 = Dead):"
    membership || say "could not query the membership table"
fi
DATA_ARG=
[[ "$DATA" != "$ROOT/.data/cluster" ]] && DATA_ARG=" --data $REL_DATA"
cat <<EOF
Try, from another terminal:
  $ME status$DATA_ARG
  $ME kill-silo 2$DATA_ARG     # SIGKILL: watch the cluster declare it dead
  $ME start-silo 2$DATA_ARG    # bring it back (a new K adds a silo)
Ctrl-C here stops everything.
EOF

# --- run: watch -----------------------------------------------------------------------------------
# Report every process that exits or comes back; for a lost silo, how long
# until the membership table calls it Dead. The cluster keeps running with
# what is left; only when nothing is left does cluster.sh give up.
declare -A UP=() LOST_AT=()
for name in $(names silo) $(names gateway); do UP[$name]=1; done
while true; do
    any=0
    for name in $(names silo) $(names gateway); do
        if pid=$(ours "$name"); then
            any=1
            if [[ -z "${UP[$name]:-}" ]]; then
                UP[$name]=1
                unset "LOST_AT[$name]"
                event "$name is running again (pid $pid)"
            fi
        elif [[ -n "${UP[$name]:-}" ]]; then
            unset "UP[$name]"
            case "$name" in
                silo-*)
                    LOST_AT[$name]=$SECONDS
                    event "$name is gone; waiting for the cluster to declare it dead ($ME start-silo ${name#silo-}$DATA_ARG brings it back)"
                    ;;
                *) event "$name is gone (see $REL_DATA/$name.log)" ;;
            esac
        fi
    done
    for name in "${!LOST_AT[@]}"; do
        read -r sp _ <"$RUN/$name.ports"
        st=
        read -r _ st < <(silo_status "$sp") || true
        if [[ "$st" == 6 ]]; then
            event "$name is Dead in the membership table, $((SECONDS - LOST_AT[$name])) s after it went away"
            unset "LOST_AT[$name]"
        elif ((SECONDS - LOST_AT[$name] > 600)); then
            unset "LOST_AT[$name]"
        fi
    done
    if [[ $any -eq 0 ]]; then
        event "every silo and gateway has exited; stopping"
        exit 1
    fi
    sleep 1 &
    SLEEP_PID=$!
    wait "$SLEEP_PID" || true
    SLEEP_PID=
done
