#!/usr/bin/env bash
# bench/web/serve.sh — starts the five web targets of issue 13 (the portal and the four application sites, vulnerable
# twins) in a private network namespace with only a loopback interface, writes their URLs to $OUT/targets.env and keeps
# them running until killed. Pair it with all-targets.sh to time one tool over every target, again and again, without
# a fresh-start cost in the figures (every tool would pay it alike, which only pulls the ratio towards 1).
# Usage: sudo bench/web/serve.sh            (root: network namespaces); NS=name to choose the namespace's name.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/artifacts/bench-web-pair}
NS=${NS:-mg-web-pair}
mkdir -p "$OUT"
${BUILD_LOCK:+flock "$BUILD_LOCK"} dotnet build tests/MedGuard.TestTargets.Sites -c Release -o "$OUT/sites" -nologo -v:q >/dev/null
${BUILD_LOCK:+flock "$BUILD_LOCK"} dotnet build tests/MedGuard.TestTargets.HospitalPortal -c Release -o "$OUT/portal" -nologo -v:q >/dev/null
${BUILD_LOCK:+flock "$BUILD_LOCK"} ./medguard --version >/dev/null

ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

start() { # $1 = name, rest = command; appends NAME_URL=<the URL the target prints first> to targets.env.tmp
  local name=$1; shift
  : > "$OUT/$name.requests"
  ip netns exec "$NS" "$@" --request-log "$OUT/$name.requests" > "$OUT/$name.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 200); do [ -s "$OUT/$name.out" ] && break; sleep 0.1; done
  echo "$(tr 'a-z-' 'A-Z_' <<<"$name")_URL=$(head -n 1 "$OUT/$name.out")" >> "$OUT/targets.env.tmp"
}

# Not in a command substitution: the targets must be this shell's children, or `wait` below returns at once.
echo "NS=$NS" > "$OUT/targets.env.tmp"
start portal dotnet "$OUT/portal/MedGuard.TestTargets.HospitalPortal.dll"
for site in php-forms node-menu spa-json aspnet-xhr; do
  start "$site" dotnet "$OUT/sites/MedGuard.TestTargets.Sites.dll" --site "$site"
done
mv "$OUT/targets.env.tmp" "$OUT/targets.env"
cat "$OUT/targets.env"
echo "serving; kill this process to stop" >&2
wait
