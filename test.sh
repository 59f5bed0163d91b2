#!/usr/bin/env bash
# ./test.sh — the one test command (README). Installs what the tests need (idempotently), starts it on 127.0.0.1 or
# inside network namespaces it creates, runs every test project, tears down, and ends with one line
# "N passed, N failed" summed over all test projects. Exit code non-zero on any failure.
#
# Each capability brings its own prerequisites as two files in tests/setup.d/:
#   NAME.apt — Debian packages it needs (whitespace separated; '#' comments)
#   NAME.sh  — sourced after the install: starts services, exports MEDGUARD_* variables for the tests, and pushes
#              its clean-up commands onto the TEARDOWN array.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export MEDGUARD_ROOT=$ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS=$ROOT/artifacts/test-results
export MEDGUARD_ARTIFACTS=$ROOT/artifacts
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

log() { printf '\033[1m[test.sh]\033[0m %s\n' "$*" >&2; }

# --- prerequisites ---------------------------------------------------------------------------------------------
wanted=()
for f in tests/setup.d/*.apt; do
  [ -e "$f" ] || continue
  wanted+=($(sed 's/#.*//' "$f"))
done
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Services must not start themselves on the host; the setup scripts start what they need where they need it.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq >/dev/null || log "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { log "apt-get install failed"; exit 1; }
fi

# --- services ----------------------------------------------------------------------------------------------------
TEARDOWN=()
teardown() {
  local k # the eval'd commands may use i, j… themselves
  for ((k=${#TEARDOWN[@]}-1; k>=0; k--)); do eval "${TEARDOWN[$k]}" >/dev/null 2>&1 || true; done
}
trap teardown EXIT
for f in tests/setup.d/*.sh; do
  [ -e "$f" ] || continue
  log "setup: $f"
  # shellcheck source=/dev/null
  source "$f" || { log "setup failed: $f"; exit 1; }
done

# --- build, format, tests ---------------------------------------------------------------------------------------
log "restore and build"
dotnet build MedGuard.slnx -c Release -nologo -v:q 2>&1 | tail -n 30
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "0 passed, 1 failed"; exit 1; }

format_failed=0
log "dotnet format --verify-no-changes"
if ! dotnet format MedGuard.slnx whitespace --verify-no-changes -v q >"$RESULTS/format.txt" 2>&1 \
   || ! dotnet format MedGuard.slnx style --verify-no-changes --no-restore -v q >>"$RESULTS/format.txt" 2>&1; then
  cat "$RESULTS/format.txt" | head -n 40
  format_failed=1
fi

status=0
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  log "test: $name"
  dotnet test "$proj" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$RESULTS" || status=1
done

passed=0; failed=0
for trx in "$RESULTS"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
expected=$(ls tests/*/*.Tests.csproj | wc -l); got=$(ls "$RESULTS"/*.trx 2>/dev/null | wc -l)
if [ "$got" -lt "$expected" ]; then
  log "only $got of $expected test projects produced results"; failed=$((failed + expected - got)); status=1
fi
if [ $format_failed -ne 0 ]; then log "dotnet format found changes to make"; failed=$((failed + 1)); status=1; fi
[ $failed -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
