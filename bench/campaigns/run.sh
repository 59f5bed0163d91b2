#!/usr/bin/env bash
# Campaign engine benchmark (issue 14): a ports campaign over N addresses (one /32 each, default 1000) carried by ONE
# interface in the benchmark's own network namespace, run by 1, 2 and 4 `medguard worker` processes on PostgreSQL.
# Prints tasks per second and the engine's own overhead per task (dispatch + bookkeeping, without the scan).
#
#   sudo -E bench/campaigns/run.sh                  # N=1000, WORKERS_LIST="1 2 4", PER=4 lanes per worker
#   N=100 WORKERS_LIST=1 sudo -E bench/campaigns/run.sh   # smoke run
#
# Needs root (network namespace), MEDGUARD_PG (a PostgreSQL server; one database per run is created and dropped), psql,
# and the CLI built: dotnet build src/MedGuard.Cli -c Release.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-1000}
WORKERS_LIST=${WORKERS_LIST:-"1 2 4"}
PER=${PER:-4}                   # parallel tasks per worker process
INSTITUTIONS=${INSTITUTIONS:-50} # at most one heavy detector per institution runs at a time: this bounds parallelism
PORTS=${PORTS:-80,443}          # light settings: one open port (a listener in the namespace), one closed
CONCURRENCY=${CONCURRENCY:-64}
RATE=${RATE:-100}               # each authorization's per-host rate (packets/s)
: "${MEDGUARD_PG_DIR:?set MEDGUARD_PG_DIR to the Unix socket directory of the PostgreSQL server, as tests/setup.d/postgres.sh exports it}"
PG_SOCKET_DIR=${PG_SOCKET_DIR:-$MEDGUARD_PG_DIR}
: "${MEDGUARD_PG:?set MEDGUARD_PG to a PostgreSQL connection string (Host=…;Username=…;Password=…;Database=…)}"
# The README's own command (it builds the CLI once, then runs it).
medguard() { "$ROOT/medguard" "$@"; }
medguard --help >/dev/null
# The platform's Npgsql connection string (Host=…;Username=…) as psql's libpq keywords (host=… user=… dbname=…).
libpq() {
  echo "$1" | tr ';' '\n' | awk -F= 'NF >= 2 { k = tolower($1); sub(/^[^=]*=/, ""); if (k == "username" || k == "user id") k = "user";
    if (k == "database") k = "dbname"; if (k ~ /^(host|port|user|password|dbname)$/) printf "%s=%s ", k, $0 }'
}
PGADMIN=$(libpq "$MEDGUARD_PG")
UNTIL=$(date -d '+1 year' +%F) # an authorization runs at most 5 years
WORK=$(mktemp -d /tmp/medguard-bench-campaigns.XXXXXX)
NS=mgc-bench
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  ip link del mgc-h 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# One namespace whose own loopback carries the N addresses (127.0.0.0/8 is local there, one interface for all of
# them), and a listener on port 80 inside it. The workers run inside the namespace too, so every packet of the scan stays
# in it; they reach PostgreSQL through its Unix socket (a file, not the network).
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
ADDRS=()
for ((i = 0; i < N; i++)); do ADDRS+=("127.210.$((1 + i / 250)).$((1 + i % 250))"); done
ip netns exec "$NS" python3 -m http.server 80 --bind 0.0.0.0 >/dev/null 2>&1 &
PIDS+=($!)
sleep 1

# The platform's data, once: institutions, then the N assets from a CSV; each round starts from a copy of this database
# (CREATE DATABASE … TEMPLATE) and of its key folder (the audit chain's key and head anchor).
TEMPLATE=mg_bench_campaigns_template
psql "$PGADMIN" -qAt -c "DROP DATABASE IF EXISTS $TEMPLATE WITH (FORCE)" -c "CREATE DATABASE $TEMPLATE" >/dev/null
TDB=$(echo "$MEDGUARD_PG" | sed -E "s/Database=[^;]*/Database=$TEMPLATE/I")
medguard institutions add "基准医院1" --tier 二级 --region 330102 --db "$TDB" --keys "$WORK/keys" >/dev/null # creates the schema and keys; the rest one at a time (two CLI processes appending to the audit chain at once leave its head anchor behind)
seq 2 "$INSTITUTIONS" | xargs -I{} "$ROOT/medguard" institutions add "基准医院{}" --tier 二级 --region 330102 --db "$TDB" --keys "$WORK/keys" >/dev/null
{
  echo "机构,类型,值,授权止,检测类型,每主机速率"
  for ((i = 0; i < N; i++)); do echo "基准医院$((1 + i % INSTITUTIONS)),ip,${ADDRS[$i]},$UNTIL,ports,$RATE"; done
} > "$WORK/assets.csv"
medguard assets import "$WORK/assets.csv" --db "$TDB" --keys "$WORK/keys" >/dev/null

# CPU time (user + system, clock ticks) of a process, and of the whole machine (busy, total).
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8; print busy, busy + $5 + $6 }' /proc/stat; }
HZ=$(getconf CLK_TCK)

printf '%-8s %-6s %-10s %-10s %-10s %-12s %-14s %-12s %-12s %-16s %-10s %-8s %-12s %-10s\n' workers tasks wall_s tasks/s scan_ms in_job_ms dispatch_ms lane_ms steady_ms worker_cpu_% machine_% audit worker_cpu_ms pg_cpu_ms
for W in $WORKERS_LIST; do
  DBNAME="mg_bench_campaigns_$W"
  psql "$PGADMIN" -qAt -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" -c "CREATE DATABASE $DBNAME TEMPLATE $TEMPLATE" >/dev/null
  if [ -n "${PGLOG:-}" ]; then
    # Profiling: every statement of this round's sessions into the server's log (needs a superuser; see README).
    psql "$PGADMIN" -qAt -c "ALTER DATABASE $DBNAME SET log_statement = 'all'" >/dev/null
  fi
  DB=$(echo "$MEDGUARD_PG" | sed -E "s/Database=[^;]*/Database=$DBNAME/I")
  PGURL=$(libpq "$DB")
  SOCKET_DB=$(echo "$DB" | sed -E "s#Host=[^;]*#Host=$PG_SOCKET_DIR#I")
  KEYS="$WORK/keys-$W"
  rm -rf "$KEYS" && cp -a "$WORK/keys" "$KEYS"
  # Lanes that can be busy at once: worker lanes, bounded by one heavy task per institution and the campaign's concurrency.
  LANES=$(( W * PER )); (( LANES > INSTITUTIONS )) && LANES=$INSTITUTIONS; (( LANES > CONCURRENCY )) && LANES=$CONCURRENCY
  WPIDS=()
  for ((k = 1; k <= W; k++)); do
    ip netns exec "$NS" env MEDGUARD_JOBS_PUMP=1 CI=1 "$ROOT/medguard" worker --db "$SOCKET_DB" --keys "$KEYS" --workers "$PER" --name "bench-$W-$k" >"$WORK/worker-$W-$k.log" 2>&1 &
    WPIDS+=($!); PIDS+=($!)
  done
  sleep 4 # workers up (the first creates the hangfire schema)
  read -r M0 T0 < <(machine_ticks)
  declare -A P0=()
  for pid in "${WPIDS[@]}"; do P0[$pid]=$(proc_ticks "$pid"); done
  ID=$(medguard campaign start --name "基准 $W" --region 3301 --detectors ports --ports "$PORTS" --concurrency "$CONCURRENCY" --db "$DB" --keys "$KEYS" | head -1)
  until [ "$(psql "$PGURL" -qAt -c "SELECT \"Status\" FROM \"Campaigns\" WHERE \"Id\" = '$ID'")" = "Completed" ]; do sleep 0.5; done
  read -r M1 T1 < <(machine_ticks)
  WCPU=""
  for pid in "${WPIDS[@]}"; do
    WCPU+="${WCPU:+/}$(( ($(proc_ticks "$pid") - P0[$pid]) ))"
  done
  SECS=$(psql "$PGURL" -qAt -c "SELECT extract(epoch FROM max(t.\"FinishedAt\") - min(r.\"StartedAt\")) FROM \"CampaignTasks\" t JOIN \"CampaignRounds\" r ON r.\"Id\" = t.\"RoundId\" WHERE t.\"CampaignId\" = '$ID'")
  # Each worker's CPU over the round, in % of one core (ticks ÷ HZ ÷ the round's wall time), and the machine's busy share.
  WPCT=$(echo "$WCPU" | tr '/' '\n' | awk -v hz="$HZ" -v s="$SECS" '{ printf "%s%.0f", (NR > 1 ? "/" : ""), 100 * $1 / hz / s }')
  MPCT=$(awk -v b="$((M1 - M0))" -v t="$((T1 - T0))" 'BEGIN { printf "%.0f", 100 * b / t }')
  # PostgreSQL's share: CPU of the backends serving this round's database (the workers' pooled connections), per task.
  PGCPU=0
  for pid in $(psql "$PGADMIN" -qAt -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DBNAME'"); do PGCPU=$((PGCPU + $(proc_ticks "$pid"))); done
  WSUM=$(echo "$WCPU" | tr '/' '\n' | awk '{ s += $1 } END { print s }')
  AUDIT=$(medguard audit verify --db "$DB" --keys "$KEYS" >/dev/null 2>&1 && echo ok || echo BROKEN)
  # Each lane (Hangfire worker, from its job's Processing state) from its first task's start to its last task's end,
  # less its scans, per task: lane_ms without the ramp-up and the tail (lanes idle at the end while a last batch runs).
  STEADY=$(psql "$PGURL" -qAt -c "
    WITH ran AS (
      SELECT DISTINCT ON (t.\"Id\") (s.data::text::json ->> 'ServerId') || '/' || (s.data::text::json ->> 'WorkerId') AS lane,
             t.\"StartedAt\" AS started, t.\"FinishedAt\" AS finished, t.\"ScanMilliseconds\" AS scan
      FROM \"CampaignTasks\" t JOIN hangfire.state s ON s.jobid = t.\"JobId\"::bigint AND s.name = 'Processing'
      WHERE t.\"CampaignId\" = '$ID' AND t.\"Status\" = 'Succeeded'
      ORDER BY t.\"Id\", s.id DESC),
    lanes AS (SELECT extract(epoch FROM max(finished) - min(started)) * 1000 - sum(scan) AS besides, count(*) AS n FROM ran GROUP BY lane)
    SELECT round((sum(besides) / sum(n))::numeric, 1) FROM lanes" 2>/dev/null || echo '?')
  psql "$PGURL" -qAt -F ' ' -c "
    SELECT count(*),
           extract(epoch FROM max(t.\"FinishedAt\") - min(r.\"StartedAt\")),
           count(*) / extract(epoch FROM max(t.\"FinishedAt\") - min(r.\"StartedAt\")),
           avg(t.\"ScanMilliseconds\"),
           avg(extract(epoch FROM t.\"FinishedAt\" - t.\"StartedAt\") * 1000 - t.\"ScanMilliseconds\"),
           avg(extract(epoch FROM t.\"StartedAt\" - t.\"QueuedAt\") * 1000),
           sum(t.\"ScanMilliseconds\")
    FROM \"CampaignTasks\" t JOIN \"CampaignRounds\" r ON r.\"Id\" = t.\"RoundId\"
    WHERE t.\"CampaignId\" = '$ID' AND t.\"Status\" = 'Succeeded'" |
    awk -v w="$W" -v lanes="$LANES" -v st="$STEADY" -v wc="$WPCT" -v mc="$MPCT" -v au="$AUDIT" -v hz="$HZ" -v wsum="$WSUM" -v pgc="$PGCPU" '{ printf "%-8s %-6d %-10.1f %-10.1f %-10.1f %-12.1f %-14.1f %-12.1f %-12s %-16s %-10s %-8s %-12.1f %-10.1f\n", w, $1, $2, $3, $4, $5, $6, (lanes * $2 * 1000 - $7) / $1, st, wc, mc, au, 1000 * wsum / hz / $1, 1000 * pgc / hz / $1 }'
  for pid in "${WPIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WPIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql "$PGADMIN" -qAt -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null
done
psql "$PGADMIN" -qAt -c "DROP DATABASE IF EXISTS $TEMPLATE WITH (FORCE)" >/dev/null
