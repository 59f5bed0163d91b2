#!/usr/bin/env bash
# Port-scan benchmarks: medguard vs nmap (Debian), same run, same targets, same ports; compares the open ports found
# and prints wall times and their ratio. Root only (network namespaces). Scans ONLY the namespaces it creates:
#   (a) mgp-b1  10.200.11.2: a dozen listeners; full 65535-port sweep: `nmap -sT -p- -n -Pn` vs `medguard scan ports --ports -`
#   (b) mgp-b2  10.200.20.2-17: 16 hosts behind a veth with 20 ms delay (tc netem); a firewall drops every port but
#       a few; the 1000 ports of medguard's top1000 list, given to both tools as the same explicit list.
# Usage: bench/ports/run.sh [rounds]        (default 5 rounds; each round runs both tools on both benchmarks, back to back;
#        the medians close the output: a shared 2-core VM moves single runs by ±30 %)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ROUNDS=${1:-5}
WORK=$(mktemp -d /tmp/mgp-bench.XXXXXX)
LISTENERS=$ROOT/tests/MedGuard.Detection.Ports.Tests/Listeners/emulators.py

teardown() {
  for ns in mgp-b1 mgp-b2; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del mgp-bh1 2>/dev/null || true
  ip link del mgp-bh2 2>/dev/null || true
  [ -f "$WORK/tun.pid" ] && kill "$(cat "$WORK/tun.pid")" 2>/dev/null || true
  ip link del mgp-bh2 2>/dev/null || true
  rm -rf "$WORK"
}
trap teardown EXIT

command -v nmap >/dev/null || { echo "nmap missing: apt-get install nmap" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
# A leftover from an interrupted run would collide.
for ns in mgp-b1 mgp-b2; do ip netns del "$ns" 2>/dev/null || true; done
ip link del mgp-bh1 2>/dev/null || true; ip link del mgp-bh2 2>/dev/null || true

# The command users run: ./medguard itself (bash launcher, source check, then the native-AOT front, which runs
# `scan ports` in-process). Built here once if it has to be (the launcher says so), before anything is timed. The (a)
# rows also time the managed CLI alone (.medguard-build/core/medguard, ReadyToRun), which the launcher hands every verb
# the front does not run. Without a C toolchain the launcher builds the managed CLI only, and the output says so.
echo "building ./medguard if needed…" >&2
"$ROOT/medguard" --version >/dev/null
MG=$ROOT/medguard
if [ -x "$ROOT/.medguard-build/medguard" ]; then
  BUILD="./medguard (launcher + native-AOT front)"; CORE=$ROOT/.medguard-build/core/medguard
else
  BUILD="./medguard (launcher + managed CLI, ReadyToRun: the native front could not be built)"; CORE=
fi

# --- (a) one host, a dozen listeners --------------------------------------------------------------------------
A_PORTS="22 80 104 443 445 1433 2575 3306 3389 5432 6379 11112"
ip netns add mgp-b1
ip link add mgp-bh1 type veth peer name mgp-bn1
ip link set mgp-bn1 netns mgp-b1
ip addr add 10.200.11.1/24 dev mgp-bh1; ip link set mgp-bh1 up
ip -n mgp-b1 link set lo up; ip -n mgp-b1 addr add 10.200.11.2/24 dev mgp-bn1; ip -n mgp-b1 link set mgp-bn1 up
# shellcheck disable=SC2086
ip netns exec mgp-b1 python3 "$LISTENERS" --plain 10.200.11.2 $A_PORTS >/dev/null 2>&1 &
# Ready when the last of its ports answers (our own listener, in our own namespace).
for _ in $(seq 50); do timeout 1 bash -c 'exec 3<>/dev/tcp/10.200.11.2/11112' 2>/dev/null && break; sleep 0.1; done

# --- (b) 16 hosts, 20 ms away, firewalled ------------------------------------------------------------------------
# The 20 ms one-way delay: tc netem where the kernel has it; otherwise (this VM) a user-space wire between two TUN
# devices (bench/ports/delay_tun.py) — the same delay for both tools, noted in the output.
# Set up only after the (a) rounds: its 17 listener processes, the delay wire and the firewall stay out of (a)'s way.
setup_b() {
  ip netns add mgp-b2
  ip -n mgp-b2 link set lo up
  if ip link add mgp-bh2 type veth peer name mgp-bn2 && ip link set mgp-bn2 netns mgp-b2 \
     && tc qdisc add dev mgp-bh2 root netem delay 20ms limit 100000 2>/dev/null; then
    DELAY="tc netem 20ms on mgp-bh2"
    ip addr add 10.200.20.1/24 dev mgp-bh2; ip link set mgp-bh2 up; ip -n mgp-b2 link set mgp-bn2 up
    B_DEV=mgp-bn2
  else
    ip link del mgp-bh2 2>/dev/null || true
    ip tuntap add dev mgp-bh2 mode tun; ip tuntap add dev mgp-bt2 mode tun
    python3 "$ROOT/bench/ports/delay_tun.py" mgp-bh2 mgp-bt2 20 > "$WORK/tun.log" 2>&1 &
    echo $! > "$WORK/tun.pid"
    for _ in $(seq 50); do grep -q ready "$WORK/tun.log" 2>/dev/null && break; sleep 0.1; done
    ip link set mgp-bt2 netns mgp-b2
    ip addr add 10.200.20.1/24 dev mgp-bh2; ip link set mgp-bh2 up; ip -n mgp-b2 link set mgp-bt2 up
    DELAY="user-space TUN wire, 20 ms each way (no netem in this kernel)"
    B_DEV=mgp-bt2
  fi
  B_OPEN=(22 80 443 3389 1433 3306 104 2575 445 5432 6379 8080)
  for i in $(seq 2 17); do
    ip -n mgp-b2 addr add "10.200.20.$i/24" dev "$B_DEV"
    # three listeners per host, rotating through the list
    ports=""
    for k in 0 1 2; do ports="$ports ${B_OPEN[$(( (i + k * 5) % ${#B_OPEN[@]} ))]}"; done
    # shellcheck disable=SC2086
    ip netns exec mgp-b2 python3 "$LISTENERS" --plain "10.200.20.$i" $ports >/dev/null 2>&1 &
  done
  ip netns exec mgp-b2 nft -f - <<NFT
  table inet mgp {
    chain input {
      type filter hook input priority 0; policy drop;
      ct state established,related accept
      iif lo accept
      tcp dport { $(IFS=,; echo "${B_OPEN[*]}") } accept
    }
  }
NFT
  sleep 1
}

printf '10.200.11.0/24\n10.200.20.0/24\n' > "$WORK/scope.txt"
TOP=$(grep -v '^#' "$ROOT/src/MedGuard.Detection.Ports/Data/top-ports.txt" | paste -sd, -)

open_from_json() { python3 "$ROOT/bench/ports/open_ports.py" "$1"; }
open_from_xml() { python3 "$ROOT/bench/ports/open_ports.py" "$1"; }
now() { date +%s.%N; }

# Every target must be routed through this script's own veth/TUN ends: were a namespace gone, packets for 10.200.x
# would follow the default route off the machine. Checked before every pair, so a run stops rather than leaks.
routes_are_ours() { # name
  if [[ $1 == a:* ]]; then
    ip -o route get 10.200.11.2 | grep -q 'dev mgp-bh1 ' || { echo "10.200.11.2 is not routed via mgp-bh1: stopping" >&2; return 1; }
  else
    for i in $(seq 2 17); do
      ip -o route get "10.200.20.$i" | grep -q 'dev mgp-bh2 ' || { echo "10.200.20.$i is not routed via mgp-bh2: stopping" >&2; return 1; }
    done
  fi
}

run_pair() { # name nmap-args… -- medguard-args…
  local name=$1; shift
  local nmap_args=() mg_args=()
  while [ "$1" != "--" ]; do nmap_args+=("$1"); shift; done; shift
  mg_args=("$@")
  routes_are_ours "$name" || exit 1
  local t0 t1 t2 t3
  # Each tool starts on a settled machine (the kernel frees the previous run's 65535 sockets in the background for a
  # moment after it exits), and the two take turns going first, so neither always inherits the other's leftovers.
  run_nmap() { sleep 1; t0=$(now); nmap "${nmap_args[@]}" -oX "$WORK/nmap.xml" >/dev/null; t1=$(now); }
  run_medguard() { sleep 1; t2=$(now); "$MG" scan ports --scope "$WORK/scope.txt" "${mg_args[@]}" --format json --output "$WORK/mg.json" 2>/dev/null; t3=$(now); }
  if (( ROUND % 2 )); then run_nmap; run_medguard; else run_medguard; run_nmap; fi
  local nm mg same
  nm=$(open_from_xml "$WORK/nmap.xml"); mg=$(open_from_json "$WORK/mg.json")
  [ "$nm" = "$mg" ] && same=yes || same=NO
  local row
  row=$(printf '%s\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s' "$name" "$(echo "$t1 - $t0" | bc)" "$(echo "$t3 - $t2" | bc)" \
    "$(echo "($t3 - $t2) / ($t1 - $t0)" | bc -l)" "$(wc -w <<<"$nm")" "$(wc -w <<<"$mg")" "$same")
  echo "$row"; echo "$row" >> "$WORK/rows.tsv"
  if [ "$same" = NO ]; then echo "  nmap only: $(comm -23 <(tr ' ' '\n' <<<"$nm") <(tr ' ' '\n' <<<"$mg") | paste -sd' ')" >&2;
    echo "  medguard only: $(comm -13 <(tr ' ' '\n' <<<"$nm") <(tr ' ' '\n' <<<"$mg") | paste -sd' ')" >&2; fi
}

echo "load before: $(uptime)"
echo "nmap: $(nmap --version | head -1)"
echo "medguard: $BUILD, $(nproc) cores"
echo
printf 'benchmark\tnmap_s\tmedguard_s\tratio\tnmap_open\tmedguard_open\tsame_open_ports\n'
for r in $(seq 1 "$ROUNDS"); do
  ROUND=$r
  run_pair "a:full-sweep(./medguard)#$r" -sT -p- -n -Pn 10.200.11.2 -- \
    --targets 10.200.11.2 --ports - --no-service --rate 0 --host-rate 0 --concurrency 64 --host-concurrency 64
  if [ -n "$CORE" ]; then
    MG=$CORE run_pair "a:full-sweep(managed core/medguard)#$r" -sT -p- -n -Pn 10.200.11.2 -- \
      --targets 10.200.11.2 --ports - --no-service --rate 0 --host-rate 0 --concurrency 64 --host-concurrency 64
  fi
  run_pair "a:full-sweep(--engine sockets)#$r" -sT -p- -n -Pn 10.200.11.2 -- \
    --targets 10.200.11.2 --ports - --no-service --rate 0 --host-rate 0 --concurrency 1024 --host-concurrency 1024 --engine sockets
done
setup_b
echo "delay (b): $DELAY"
for r in $(seq 1 "$ROUNDS"); do
  ROUND=$r
  run_pair "b:16hosts-top1000#$r" -sT -n -Pn -p "$TOP" 10.200.20.2-17 -- \
    --targets 10.200.20.2-10.200.20.17 --ports top1000 --no-service --rate 0 --host-rate 0 --concurrency 2048 \
    --host-concurrency 128 --min-timeout 100
done
echo
echo "medians over $ROUNDS rounds (benchmark, nmap s, medguard s, ratio of the medians, median of the ratios):"
python3 - "$WORK/rows.tsv" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, nmap_s, mg_s, ratio, *_ = line.rstrip("\n").split("\t")
    rows.setdefault(name.split("#")[0], []).append((float(nmap_s), float(mg_s), float(ratio)))
for name, r in rows.items():
    n, m = statistics.median(x[0] for x in r), statistics.median(x[1] for x in r)
    print(f"{name}\t{n:.2f}\t{m:.2f}\t{m / n:.2f}\t{statistics.median(x[2] for x in r):.2f}")
PY
echo
echo "load after: $(uptime)"
