#!/usr/bin/env bash
# deploy/pg.sh — helpers to run a private, throw-away-friendly PostgreSQL
# cluster for LabScheduler (used by run.sh and test.sh).
#
# Usage as a library (the caller is expected to run with `set -euo pipefail`):
#     source deploy/pg.sh
#     pg_ensure_installed          # exports PG_BIN
#     pg_start_private "$DIR"      # exports LABSCHED_PG_SOCKET, LABSCHED_PG_DATA,
#                                  #         LABSCHED_PG_LOG, LABSCHED_PG_CONNSTR
#     pg_stop_private "$DIR"
#
# Usage as a command (handy for developers):
#     deploy/pg.sh start DIR   |   deploy/pg.sh stop DIR   |   deploy/pg.sh status DIR
#
# Design notes:
# * The server listens ONLY on a Unix socket (listen_addresses=''), in a
#   socket directory of its own, so two clusters with different DIRs never
#   collide even though both use "port" 5432 (the port only names the socket
#   file .s.PGSQL.5432).
# * initdb/postgres refuse to run as root, so when we are root every server
#   command runs as an unprivileged OS user: `postgres` when it exists, else a
#   system user `labsched` that we create. When we are not root we simply run
#   them as ourselves.
# * Informational messages go to stderr so callers' stdout stays clean.
#
# Deliberately no `set -euo pipefail` at file level: sourcing this file must
# not change the options of the caller's shell (an interactive shell with
# `set -e` dies on the first failing command). The scripts that source it set
# those options themselves, and the command mode at the bottom sets them too.

PG_PORT=5432
PG_SUPERUSER=labsched
PG_DATABASE=labsched
PG_FALLBACK_ROOT=/var/lib/labsched

_pg_log() { printf 'pg.sh: %s\n' "$*" >&2; }
_pg_die() { printf 'pg.sh: error: %s\n' "$*" >&2; return 1; }

# ---------------------------------------------------------------------------
# pg_ensure_installed: find the newest /usr/lib/postgresql/*/bin that has
# initdb (installing Debian's postgresql package when none exists) and export
# PG_BIN.
# ---------------------------------------------------------------------------
pg_ensure_installed() {
    local bin
    bin=$(_pg_find_bin) || true
    if [[ -z "$bin" ]]; then
        _pg_log "no PostgreSQL server binaries found; installing the 'postgresql' package with apt-get"
        if [[ $EUID -ne 0 ]]; then
            _pg_die "PostgreSQL is not installed and we are not root: run 'sudo apt-get install -y postgresql' first"
            return 1
        fi
        # Output goes to stderr: callers may be capturing stdout.
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
        bin=$(_pg_find_bin) || true
        [[ -n "$bin" ]] || { _pg_die "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql/*/bin"; return 1; }
    fi
    PG_BIN=$bin
    export PG_BIN
}

_pg_find_bin() {
    local d best=""
    # sort -V orders 9.6 < 15 < 16 correctly; the last one is the newest.
    while IFS= read -r d; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] && best=$d
    done < <(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V)
    if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1; then
        best=$(dirname "$(command -v initdb)")
    fi
    [[ -n "$best" ]] || return 1
    printf '%s\n' "$best"
}

# ---------------------------------------------------------------------------
# Who runs the server, and how to run a command as that user.
# ---------------------------------------------------------------------------
_pg_os_user() {
    if [[ $EUID -ne 0 ]]; then
        id -un
    elif id -u postgres >/dev/null 2>&1; then
        echo postgres
    else
        if ! id -u labsched >/dev/null 2>&1; then
            _pg_log "creating system user 'labsched' to run PostgreSQL (it refuses to run as root)"
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin labsched
        fi
        echo labsched
    fi
}

# _pg_as_user CMD...: run CMD as the server's OS user. `cd /` first because
# the caller's working directory (often under /root) may be unreadable for that
# user, which makes postgres/initdb print "could not change directory" noise.
#
# Every fd above 2 is closed first: the postmaster that pg_ctl starts outlives
# us, and if it inherited e.g. the write end of a pipe that CI or `| tee`
# reads, that reader would never see end-of-file.
_pg_as_user() {
    (
        local fd n
        for fd in "/proc/$BASHPID/fd/"*; do
            n=${fd##*/}
            if [[ "$n" =~ ^[0-9]+$ ]] && ((n > 2)); then
                eval "exec $n>&-" 2>/dev/null || true
            fi
        done
        cd /
        if [[ $EUID -eq 0 ]]; then
            exec runuser -u "$_PG_USER" -- "$@"
        else
            exec "$@"
        fi
    )
}

# ---------------------------------------------------------------------------
# _pg_resolve DIR: compute every path of the cluster that belongs to DIR and
# store them in _PG_* globals. Deterministic, so start and stop agree.
# ---------------------------------------------------------------------------
_pg_resolve() {
    local dir=$1 hash base sock suffix="/.s.PGSQL.$PG_PORT"
    [[ -n "$dir" ]] || { _pg_die "missing DIR argument"; return 1; }
    : "${PG_BIN:?call pg_ensure_installed first}"
    # Only a start creates DIR; a stop of a DIR that does not exist must not.
    [[ "${2:-create}" == create ]] && mkdir -p "$dir"
    dir=$(realpath -m -- "$dir")
    hash=$(printf '%s' "$dir" | sha1sum | cut -c1-12)
    _PG_USER=$(_pg_os_user)
    _PG_DIR=$dir
    _PG_HASH=$hash

    if [[ -d "$dir" ]] && _pg_user_can_reach "$dir"; then
        base=$dir
        _PG_FALLBACK=0
    else
        # e.g. DIR is inside /root (mode 700): the server user cannot get there.
        base=$PG_FALLBACK_ROOT/$hash
        _PG_FALLBACK=1
    fi
    _PG_BASE=$base
    _PG_DATA=$base/pg
    _PG_LOGFILE=$base/pg.log

    # Unix socket paths are limited to ~107 bytes (sun_path); stay under 100.
    # A path with characters that are special in a connection string or a
    # config value (; = ' " or whitespace) is avoided as well.
    sock=$base/pg-run
    if (( ${#sock} + ${#suffix} >= 100 )) || [[ "$sock" =~ [\;=\'\"[:space:]] ]]; then
        sock=/tmp/labsched-$hash
    fi
    _PG_SOCK=$sock
}

# _pg_user_can_reach DIR: can the server user traverse to DIR? (`cd` needs
# execute permission on every ancestor as well as on DIR itself.)
_pg_user_can_reach() {
    local dir=$1
    [[ $EUID -ne 0 ]] && { [[ -x "$dir" && -w "$dir" ]]; return; }
    [[ "$dir" =~ [\;=\'\"[:space:]] ]] && return 1
    runuser -u "$_PG_USER" -- test -x "$dir" 2>/dev/null
}

# _pg_prepare_dirs: create base, data, socket dirs and the log file, owned by
# the server user, with the permissions PostgreSQL insists on.
_pg_prepare_dirs() {
    local grp
    grp=$(id -gn "$_PG_USER")
    if [[ $_PG_FALLBACK -eq 1 ]]; then
        _pg_log "'$_PG_DIR' is not reachable by OS user '$_PG_USER' (a parent folder is private);" \
            "placing the cluster in $_PG_BASE instead"
        mkdir -p "$PG_FALLBACK_ROOT"
        chmod 755 "$PG_FALLBACK_ROOT"
        mkdir -p "$_PG_BASE"
        [[ $EUID -eq 0 ]] && chown "$_PG_USER:$grp" "$_PG_BASE"
        # Leave a note where people will look for the data.
        printf '%s\n' "$_PG_DATA" > "$_PG_DIR/pg.location" 2>/dev/null || true
    fi
    mkdir -p "$_PG_DATA" "$_PG_SOCK"
    [[ -e "$_PG_LOGFILE" ]] || : > "$_PG_LOGFILE"
    if [[ $EUID -eq 0 ]]; then
        # Only touch ownership when it is wrong: data may be large.
        if [[ "$(stat -c %U "$_PG_DATA")" != "$_PG_USER" ]]; then
            chown -R "$_PG_USER:$grp" "$_PG_DATA"
        fi
        chown "$_PG_USER:$grp" "$_PG_SOCK" "$_PG_LOGFILE"
    fi
    chmod 700 "$_PG_DATA"
    # Clients (the .NET processes, psql) run as other users: let them in.
    chmod 755 "$_PG_SOCK"
}

# _pg_postmaster_alive PIDFILE DATADIR: is the pid in PIDFILE a live
# postmaster of DATADIR? A bare "pid exists" is not enough: after a reboot or
# in a container the pid is often reused by an unrelated process.
_pg_postmaster_alive() {
    local pidfile=$1 datadir=$2 pid comm cwd state
    [[ -f "$pidfile" ]] || return 1
    pid=$(head -n1 "$pidfile" 2>/dev/null | tr -dc '0-9')
    [[ -n "$pid" ]] || return 1
    kill -0 "$pid" 2>/dev/null || [[ -d /proc/$pid ]] || return 1
    # A kill -9'ed postmaster whose parent does not reap it (PID 1 in many
    # containers does not) stays a zombie: kill -0 succeeds on it, and so
    # would pg_ctl/postgres' own stale-lock check. State Z means dead.
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1) || return 1
    [[ -n "$state" && "$state" != Z && "$state" != X ]] || return 1
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [[ "$comm" == postgres || "$comm" == postmaster ]] || return 1
    # The postmaster chdir()s into its data directory.
    if cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null); then
        [[ "$cwd" == "$(realpath -m -- "$datadir")" ]] || return 1
    fi
    return 0
}

_pg_write_config() {
    local conf=$_PG_DATA/labsched.conf sockq
    # In a postgresql.conf string, a single quote is written as ''.
    sockq=${_PG_SOCK//\'/\'\'}
    cat > "$conf" <<EOF
# Written by deploy/pg.sh on every start; local changes are overwritten.
# Unix socket only: no TCP, so clusters of different DIRs never collide.
listen_addresses = ''
port = $PG_PORT
unix_socket_directories = '$sockq'
unix_socket_permissions = 0777
# Dev/test sizing: the test suites open many pooled connections in parallel.
max_connections = 300
shared_buffers = 128MB
# Durability is part of what is tested: keep fsync and full_page_writes on.
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
    [[ $EUID -eq 0 ]] && chown "$_PG_USER" "$conf"
    # Include it once from the main config (idempotent across starts).
    if ! grep -q "^include_if_exists = 'labsched.conf'" "$_PG_DATA/postgresql.conf"; then
        printf "\n# LabScheduler settings (deploy/pg.sh)\ninclude_if_exists = 'labsched.conf'\n" \
            >> "$_PG_DATA/postgresql.conf"
    fi
}

_pg_initdb() {
    local locale=C
    # Debian 12's glibc ships C.UTF-8 built in; fall back to plain C otherwise.
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
    _pg_log "initialising a new cluster in $_PG_DATA (locale $locale)"
    _pg_as_user "$PG_BIN/initdb" -D "$_PG_DATA" -U "$PG_SUPERUSER" --auth=trust \
        -E UTF8 --locale="$locale" >>"$_PG_LOGFILE" 2>&1 || {
        _pg_log "initdb failed; last lines of $_PG_LOGFILE:"
        tail -n 20 "$_PG_LOGFILE" >&2
        return 1
    }
}

_pg_ready() {
    "$PG_BIN/pg_isready" -q -h "$_PG_SOCK" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres >/dev/null 2>&1
}

_pg_psql() {
    # -X: ignore ~/.psqlrc, which could change the output format.
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$_PG_SOCK" -p "$PG_PORT" -U "$PG_SUPERUSER" "$@"
}

# _pg_lock_open: open the cluster's lock file read-only into the caller's
# `lockfd` variable (flock works on a read-only fd; opening read-only also
# works on a file that another user created in sticky /tmp).
_pg_lock_open() {
    local f=/tmp/labsched-pg-$_PG_HASH.lock
    if [[ ! -e "$f" ]]; then
        { : >"$f" && chmod 666 "$f"; } 2>/dev/null || true
    fi
    exec {lockfd}<"$f"
}

# ---------------------------------------------------------------------------
# pg_start_private DIR
# ---------------------------------------------------------------------------
pg_start_private() {
    local lockfd
    _pg_resolve "${1:-}" || return 1

    # Serialise concurrent starts/stops of the same cluster.
    _pg_lock_open
    flock -w 300 "$lockfd" || { exec {lockfd}>&-; _pg_die "timed out waiting for the lock of $_PG_DATA"; return 1; }

    if ! _pg_start_locked; then
        exec {lockfd}>&-
        return 1
    fi
    exec {lockfd}>&-

    LABSCHED_PG_SOCKET=$_PG_SOCK
    LABSCHED_PG_DATA=$_PG_DATA
    LABSCHED_PG_LOG=$_PG_LOGFILE
    LABSCHED_PG_CONNSTR="Host=$_PG_SOCK;Port=$PG_PORT;Username=$PG_SUPERUSER;Database=$PG_DATABASE;Pooling=true;Maximum Pool Size=50"
    export LABSCHED_PG_SOCKET LABSCHED_PG_DATA LABSCHED_PG_LOG LABSCHED_PG_CONNSTR
    _pg_log "PostgreSQL ready: $LABSCHED_PG_CONNSTR"
}

_pg_start_locked() {
    local pidfile attempt i
    _pg_prepare_dirs
    [[ -f "$_PG_DATA/PG_VERSION" ]] || _pg_initdb || return 1
    _pg_write_config

    pidfile=$_PG_DATA/postmaster.pid
    if _pg_postmaster_alive "$pidfile" "$_PG_DATA"; then
        # Left running by a previous run (e.g. its starter was kill -9'ed).
        _pg_log "reusing the PostgreSQL already running on $_PG_DATA (pid $(head -n1 "$pidfile"))"
        for ((i = 0; i < 120; i++)); do
            _pg_ready && break
            sleep 1
        done
        _pg_ready || { _pg_die "a postmaster runs on $_PG_DATA but does not answer on $_PG_SOCK; see $_PG_LOGFILE"; return 1; }
    else
        if [[ -f "$pidfile" ]]; then
            _pg_log "removing stale $pidfile (pid $(head -n1 "$pidfile" | tr -dc '0-9') is not a live postmaster)"
            rm -f "$pidfile"
        fi
        # Same for the socket lock file, which holds the postmaster's pid too.
        if [[ -f "$_PG_SOCK/.s.PGSQL.$PG_PORT.lock" ]] &&
            ! _pg_postmaster_alive "$_PG_SOCK/.s.PGSQL.$PG_PORT.lock" "$_PG_DATA"; then
            rm -f "$_PG_SOCK/.s.PGSQL.$PG_PORT.lock" "$_PG_SOCK/.s.PGSQL.$PG_PORT"
        fi
        # A few attempts: right after a kill -9 of the postmaster its children
        # may still hold the old shared memory segment for a moment, and the
        # new postmaster refuses to start until they are gone.
        for attempt in 1 2 3 4 5; do
            # (_pg_as_user closes our fds, the lock's included: otherwise the
            # postmaster would hold the lock for as long as it lives.)
            if _pg_as_user "$PG_BIN/pg_ctl" start -w -t 180 -D "$_PG_DATA" -l "$_PG_LOGFILE" >&2; then
                break
            fi
            if [[ $attempt -eq 5 ]]; then
                _pg_log "pg_ctl start failed; last lines of $_PG_LOGFILE:"
                tail -n 30 "$_PG_LOGFILE" >&2
                return 1
            fi
            _pg_log "pg_ctl start failed (attempt $attempt), retrying in 3 s"
            sleep 3
        done
    fi

    if [[ -z "$(_pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ]]; then
        _pg_log "creating database $PG_DATABASE"
        _pg_psql -d postgres -c "CREATE DATABASE $PG_DATABASE" >/dev/null
    fi
}

# ---------------------------------------------------------------------------
# pg_stop_private DIR [MODE]: fast shutdown (MODE immediate: a crash, as the
# fault suite does); no error when it is not running.
# ---------------------------------------------------------------------------
pg_stop_private() {
    local lockfd rc=0 mode=${2:-fast}
    _pg_resolve "${1:-}" nocreate || return 1
    [[ -f "$_PG_DATA/PG_VERSION" ]] || return 0
    _pg_lock_open
    flock -w 300 "$lockfd" || true
    if _pg_postmaster_alive "$_PG_DATA/postmaster.pid" "$_PG_DATA"; then
        if ! _pg_as_user "$PG_BIN/pg_ctl" stop -m "$mode" -w -t 60 -D "$_PG_DATA" >&2; then
            _pg_log "fast shutdown did not finish in 60 s; forcing an immediate shutdown"
            _pg_as_user "$PG_BIN/pg_ctl" stop -m immediate -w -t 30 -D "$_PG_DATA" >&2 || rc=1
        fi
    fi
    exec {lockfd}>&-
    return $rc
}

# pg_status_private DIR: 0 when its postmaster is alive and answering.
pg_status_private() {
    _pg_resolve "${1:-}" nocreate || return 1
    _pg_postmaster_alive "$_PG_DATA/postmaster.pid" "$_PG_DATA" && _pg_ready
}

# ---------------------------------------------------------------------------
# Command mode: deploy/pg.sh start|stop|status DIR
# ---------------------------------------------------------------------------
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            pg_ensure_installed
            pg_start_private "${2:?usage: $0 start DIR}"
            printf '%s\n' "$LABSCHED_PG_CONNSTR"
            ;;
        stop)
            pg_ensure_installed
            pg_stop_private "${2:?usage: $0 stop DIR}"
            ;;
        status)
            pg_ensure_installed
            if pg_status_private "${2:?usage: $0 status DIR}"; then echo running; else echo stopped; exit 3; fi
            ;;
        *)
            echo "usage: $0 start|stop|status DIR" >&2
            exit 2
            ;;
    esac
fi
