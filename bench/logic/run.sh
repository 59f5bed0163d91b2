#!/usr/bin/env bash
# bench/logic/run.sh — the logic engine on the booking twins (README.md): starts each twin as a process on 127.0.0.1,
# runs the built-in scenario library through ./medguard, and prints requests and wall time per risk found.
# MODES="vulnerable fixed" (default both); RATE (default 50 requests/s).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/artifacts/bench-logic
mkdir -p "$OUT"
RATE=${RATE:-50}
MODES=${MODES:-"vulnerable fixed"}

dotnet build tests/MedGuard.TestTargets.Booking -c Release -nologo -v:q >/dev/null
./medguard --help >/dev/null   # builds the CLI once, outside the measurement
TWIN=tests/MedGuard.TestTargets.Booking/bin/Release/net10.0/MedGuard.TestTargets.Booking.dll

for mode in $MODES; do
  log=$OUT/$mode-requests.log; : > "$log"
  dotnet "$TWIN" --mode "$mode" --port 0 --request-log "$log" > "$OUT/$mode-twin.out" 2>&1 &
  twin=$!
  trap 'kill $twin 2>/dev/null || true' EXIT
  for _ in $(seq 100); do url=$(head -n 1 "$OUT/$mode-twin.out" 2>/dev/null | grep -o 'http://127.0.0.1:[0-9]*' || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "孪生服务未启动：$(cat "$OUT/$mode-twin.out")" >&2; exit 1; }
  printf 'origins:\n  - %s\nmaxRatePerHost: %s\n' "$url" "$RATE" > "$OUT/scope.yaml"

  start=$(date +%s.%N)
  set +e
  ./medguard scan logic --scope "$OUT/scope.yaml" --scenario builtin --identities bench/logic/identities.yaml \
    --rate "$RATE" --format json > "$OUT/$mode.json" 2> "$OUT/$mode.err"
  code=$?
  set -e
  end=$(date +%s.%N)
  kill $twin 2>/dev/null || true; wait $twin 2>/dev/null || true; trap - EXIT

  python3 - "$OUT/$mode.json" "$mode" "$start" "$end" "$code" "$log" <<'PY'
import json, sys
run = json.load(open(sys.argv[1])); mode = sys.argv[2]; wall = float(sys.argv[4]) - float(sys.argv[3])
reqs = run["requests"]; found = len(run["findings"]); engine = run["durationMs"] / 1000
served = sum(1 for _ in open(sys.argv[6]))
print(f"== {mode} twin: exit {sys.argv[5]}, {found} findings, {reqs} requests sent (twin logged {served}), engine {engine:.2f} s, wall {wall:.2f} s (CLI start included)")
for f in run["findings"]:
    ev = f["evidence"]
    print(f"   {f['severity']:<2} {f['ruleId']:<34} {ev.get('请求数', '?'):>3} 请求 {ev.get('用时', '?'):>8}  {f['title']}")
if found:
    print(f"   per risk found: {reqs/found:.1f} requests, {engine/found:.3f} s (engine), {wall/found:.3f} s (wall)")
PY
  cat "$OUT/$mode.err" | sed 's/^/   /' | head -n 40
done
