#!/usr/bin/env bash
# bench/findings/run.sh — import a synthetic port scan of 100,000 findings into an empty database, then a second run
# with 10 % changed (5 % gone → 已修复, 5 % new), through `./medguard findings import` as a user runs it, on SQLite (a
# fresh file) and on PostgreSQL (a fresh database on the server MEDGUARD_PG names; skipped when it is not set).
# Reports wall time and peak resident memory (GNU time) and findings per second. Aim (issue 12): the re-import under
# 10 s and under 500 MB on either database. Needs python3 and GNU time (apt-get install time); psql for PostgreSQL.
# MEDGUARD_IMPORT_TIMING=1 is set: the CLI prints read / import / audit times per file on stderr (kept in the logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${BENCH_DIR:-$(mktemp -d /tmp/medguard-bench-findings.XXXXXX)}
hosts=${BENCH_HOSTS:-25000}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "需要 GNU time：apt-get install time" >&2; exit 1; }
cd "$root"
./medguard --version >/dev/null # builds the CLI once, outside the measurements
export MEDGUARD_IMPORT_TIMING=1

python3 "$here/generate.py" "$work" "$hosts"
findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$work/run1.json")
yesterday=$(TZ=Asia/Shanghai date -d yesterday +%F)
until=$(TZ=Asia/Shanghai date -d '+1 year' +%F)

measure() { # label db file → prints one table row
  local label=$1 db=$2 file=$3
  /usr/bin/time -f '%e %M' -o "$work/time" ./medguard findings import "$file" --db "$db" --keys "$work/keys-$label" \
    >"$work/$label-$(basename "$file" .json).out" 2>"$work/$label-$(basename "$file" .json).err" \
    || { cat "$work/$label-$(basename "$file" .json).err" >&2; exit 1; }
  read -r wall kb <"$work/time"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(basename "$file")" "$wall" "$((kb / 1024))" \
    "$(python3 -c "print(round($findings / $wall))")" "$(tail -n +1 "$work/$label-$(basename "$file" .json).out" | head -1)"
}

prepare() { # label db
  local label=$1 db=$2
  ./medguard db migrate --db "$db" >/dev/null
  ./medguard institutions add 基准医院 --tier 三甲 --region 110108 --db "$db" --keys "$work/keys-$label" >/dev/null
  ./medguard assets add 127.64.0.0/14 --institution 基准医院 --kind ip --authorized-from "$yesterday" --authorized-until "$until" \
    --detectors ports --db "$db" --keys "$work/keys-$label" >/dev/null
}

echo "# 检测发现导入基准（bench/findings/run.sh）"
echo
echo "- 时间：$(date -u '+%Y-%m-%d %H:%M UTC')；机器：$(nproc) 核，$(free -g | awk '/Mem:/{print $2}') GB 内存；dotnet $(dotnet --version)"
echo "- 负载（开始时 uptime）：$(uptime | sed 's/.*load average/load average/')"
echo "- 数据：run1.json $findings 条发现（$hosts 台主机 × 4 个端口，127.64.0.0/14），run2.json 同样条数，其中 5 % 消失、5 % 新增"
echo
echo "| 数据库 | 文件 | 墙钟 秒 | 峰值内存 MB | 发现/秒 | 结果 |"
echo "|---|---|---|---|---|---|"
sqlite="$work/sqlite/medguard.db"
prepare sqlite "$sqlite"
measure sqlite "$sqlite" "$work/run1.json"
measure sqlite "$sqlite" "$work/run2.json"
if [ -n "${MEDGUARD_PG:-}" ]; then
  name="mg_bench_$(date +%s)"
  # A fresh database on the same server: CREATE DATABASE over the connection MEDGUARD_PG names.
  pg_uri=$(python3 - "$MEDGUARD_PG" <<'PY'
import sys, urllib.parse
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if p)
q = urllib.parse.quote
print(f"postgresql://{q(parts['Username'])}:{q(parts.get('Password', ''))}@{parts['Host']}:{parts.get('Port', '5432')}/{parts.get('Database', 'postgres')}")
PY
)
  psql "$pg_uri" -q -c "CREATE DATABASE $name" >/dev/null
  pg=$(python3 -c "import sys,re; print(re.sub(r'Database=[^;]*', 'Database=' + sys.argv[2], sys.argv[1]))" "$MEDGUARD_PG" "$name")
  prepare postgres "$pg"
  measure postgres "$pg" "$work/run1.json"
  measure postgres "$pg" "$work/run2.json"
  psql "$pg_uri" -q -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi
echo
echo "计时明细（MEDGUARD_IMPORT_TIMING=1）："
echo '```'
cat "$work"/*.err
echo '```'
echo "工作目录：$work"
