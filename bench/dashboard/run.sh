#!/usr/bin/env bash
# bench/dashboard/run.sh [SCALE] [ROUNDS] — the sector dashboard (issue 16) on the national dataset:
#   1. `medguard demo national --scale SCALE` into a fresh SQLite file and a fresh PostgreSQL database (on the server
#      MEDGUARD_PG names; skipped when unset), timed (generator time);
#   2. `medguard demo dashboard-bench --rounds ROUNDS` on each: p50 / p95 of every figure's query (SQL commands tagged
#      figure:NAME, until the database answers), of each part and of the whole page's figures (wall clock).
# SCALE 1 = about 39,000 hospitals, 200,000 systems, 500,000 assets, 2,000,000 findings (default 0.1). Results in
# $BENCH_DIR (default a new /tmp folder): sqlite.md, postgres.md, generator-*.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scale=${1:-0.1}
rounds=${2:-20}
work=${BENCH_DIR:-$(mktemp -d /tmp/medguard-bench-dashboard.XXXXXX)}
mkdir -p "$work"
cd "$root"
./medguard --version >/dev/null # builds the CLI once, outside the measurements
today=2026-06-30

echo "## 规模 $scale（$(date -u +%F)，$(nproc) 核）" | tee "$work/summary.md"

db="$work/national.db"
rm -f "$db"
start=$(date +%s.%N)
./medguard demo national --db "$db" --scale "$scale" --today "$today" | tee "$work/generator-sqlite.log"
echo "SQLite 生成用时 $(python3 -c "print(round($(date +%s.%N) - $start, 1))") 秒（含进程启动与迁移）" | tee -a "$work/summary.md"
./medguard demo dashboard-bench --db "$db" --rounds "$rounds" | tee "$work/sqlite.md"

if [ -n "${MEDGUARD_PG:-}" ]; then
  name="mg_bench_dashboard_$$"
  admin=$(python3 - "$MEDGUARD_PG" <<'PY'
import sys
parts = dict(p.split('=', 1) for p in sys.argv[1].split(';') if p)
print(f"postgresql://{parts['Username']}:{parts['Password']}@{parts['Host']}:{parts['Port']}/{parts['Database']}")
PY
)
  psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
  trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null' EXIT
  pg=$(echo "$MEDGUARD_PG" | sed -E "s/Database=[^;]*/Database=$name/")
  pg="$pg;Command Timeout=0" # the full-scale COPY of millions of rows and the pre-aggregate rebuild outlast Npgsql's 30 s default
  start=$(date +%s.%N)
  ./medguard demo national --db "$pg" --scale "$scale" --today "$today" | tee "$work/generator-postgres.log"
  echo "PostgreSQL 生成用时 $(python3 -c "print(round($(date +%s.%N) - $start, 1))") 秒（含进程启动与迁移）" | tee -a "$work/summary.md"
  ./medguard demo dashboard-bench --db "$pg" --rounds "$rounds" | tee "$work/postgres.md"
fi
echo "结果：$work"
