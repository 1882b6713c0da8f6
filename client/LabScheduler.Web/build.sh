#!/usr/bin/env bash
# build.sh — build the web app into the gateway's wwwroot, only when needed:
#   `npm ci` when node_modules is missing or package-lock.json changed since the last install,
#   `npm run build` when a source, the lock or the config changed since the last build
#   (or when the output is missing). Called by ./run.sh and ./test.sh.
#   build.sh --test   also runs the unit tests (vitest), installs Debian's chromium (and CJK /
#                     Persian fonts) for the browser tests where missing, and prints
#                     "PASSED FAILED" of the unit tests and the type check (svelte-check,
#                     counted as one test) as its only line on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$HERE"
say() { printf 'web/build.sh: %s\n' "$*" >&2; }

command -v npm >/dev/null 2>&1 || { say "npm is missing: install Node 20.19+ and npm"; exit 1; }

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || "$(cat node_modules/.labsched-lock 2>/dev/null)" != "$lock_hash" ]]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$lock_hash" > node_modules/.labsched-lock
fi

OUT=../LabScheduler.Gateway/wwwroot
src_hash=$( { find src index.html -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum package-lock.json vite.config.ts svelte.config.js tsconfig.json; } | sha256sum | cut -d' ' -f1)
if [[ ! -f "$OUT/index.html" || "$(cat node_modules/.labsched-build 2>/dev/null)" != "$src_hash" ]]; then
    say "npm run build"
    npm run build --silent >&2
    echo "$src_hash" > node_modules/.labsched-build
else
    say "web app up to date"
fi

if [[ "${1:-}" == --test ]]; then
    if [[ ! -x /usr/bin/chromium ]]; then
        if [[ $EUID -eq 0 ]]; then
            say "installing chromium and fonts with apt-get"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk fonts-noto-core >&2 ||
                { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
                  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk fonts-noto-core >&2; }
        else
            say "chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk fonts-noto-core'"
        fi
    fi
    set +e
    out=$(npx vitest run --reporter=json 2>/dev/null)
    rc=$?
    set -e
    counts=$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log(j.numPassedTests+" "+j.numFailedTests)}catch{console.log("0 1")}})')
    read -r p f <<<"$counts"
    if ((rc != 0 && f == 0)); then f=1; fi
    say "vitest: $p passed, $f failed"
    # The type check of the Svelte and TypeScript sources counts as one test.
    if npx svelte-check --tsconfig ./tsconfig.json --output machine >/tmp/labsched-svelte-check.log 2>&1; then
        p=$((p + 1)); say "svelte-check: no errors"
    else
        f=$((f + 1)); say "svelte-check failed:"; grep -E 'ERROR|COMPLETED' /tmp/labsched-svelte-check.log >&2 || true
    fi
    echo "$p $f"
fi
