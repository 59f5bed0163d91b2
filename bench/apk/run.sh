#!/usr/bin/env bash
# bench/apk/run.sh [ROUNDS] — `medguard apk analyze` against androguard (Debian package, /usr/bin/python3, AnalyzeAPK with
# cross-references) on the six test APKs, ROUNDS rounds (default 3), side by side in the same run. Reports wall time
# and peak resident memory (GNU time) of both, per round and the median, and their ratio. Results also go to
# artifacts/bench/apk.md. Needs: apt-get install androguard time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
apks=${MEDGUARD_APKS:-$root/../shared/testdata/apk}
rounds=${1:-3}
out=$root/artifacts/bench
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "需要 GNU time：apt-get install time" >&2; exit 1; }
/usr/bin/python3 -c 'import androguard' 2>/dev/null || { echo "需要 androguard：apt-get install androguard" >&2; exit 1; }

# The README's own command, as users run it (it builds itself once, outside the measurements: the native-AOT front runs
# `apk analyze`).
build="./medguard（apk analyze 由原生 AOT 前端执行）"
"$root/medguard" --version >/dev/null
files=("$apks"/*.apk)
measure() { # label, command... → "wall_s peak_kb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/.time" "$@" >"$out/$label.stdout" 2>"$out/$label.stderr" || true
  cat "$out/.time"
}

{
  echo "# APK 检测基准：medguard apk analyze 对比 androguard"
  echo
  echo "- 时间：$(date -u '+%Y-%m-%d %H:%M UTC')；机器：$(nproc) 核，$(free -g | awk '/Mem:/{print $2}') GB 内存"
  echo "- 负载（开始时 uptime）：$(uptime | sed 's/.*load average/load average/')"
  echo "- medguard 构建：$build（Release）"
  echo "- androguard $(dpkg-query -W -f='${Version}' androguard 2>/dev/null)，$(/usr/bin/python3 --version)；dotnet $(dotnet --version)"
  echo "- 样本：${#files[@]} 个 APK，共 $(du -cb "${files[@]}" | tail -1 | cut -f1) 字节"
  echo
  echo "| 轮次 | medguard（并行）秒 | 峰值 MB | medguard（--jobs 1）秒 | 峰值 MB | androguard 秒 | 峰值 MB | 倍数（androguard/medguard 并行） | 倍数（单线程） |"
  echo "|---|---|---|---|---|---|---|---|---|"
} | tee "$out/apk.md"

declare -a mg mg1 ag
for r in $(seq 1 "$rounds"); do
  read -r mw mm < <(measure mg "$root/medguard" apk analyze "$apks" --format json --out "$out/medguard.json")
  read -r m1w m1m < <(measure mg1 "$root/medguard" apk analyze "$apks" --format json --out "$out/medguard1.json" --jobs 1)
  read -r aw am < <(measure ag /usr/bin/python3 "$here/androguard_analyze.py" "${files[@]}")
  mg+=("$mw"); mg1+=("$m1w"); ag+=("$aw")
  printf '| %s | %s | %d | %s | %d | %s | %d | %.1f× | %.1f× |\n' "$r" "$mw" $((mm / 1024)) "$m1w" $((m1m / 1024)) "$aw" $((am / 1024)) \
    "$(echo "$aw / $mw" | bc -l)" "$(echo "$aw / $m1w" | bc -l)" | tee -a "$out/apk.md"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
M=$(median "${mg[@]}"); M1=$(median "${mg1[@]}"); A=$(median "${ag[@]}")
{
  echo
  printf '中位数：medguard 并行 %s 秒，--jobs 1 %s 秒，androguard %s 秒 → %.1f×（并行）/ %.1f×（单线程）\n' "$M" "$M1" "$A" \
    "$(echo "$A / $M" | bc -l)" "$(echo "$A / $M1" | bc -l)"
  echo
  echo "androguard 每个 APK 的 AnalyzeAPK 用时（最后一轮，秒 / 类数）："
  sed 's/^/    /' "$out/ag.stdout"
} | tee -a "$out/apk.md"

# The issue's aim is per app: the two largest APKs, each analysed alone by ./medguard (three runs, the median) against
# androguard's AnalyzeAPK time for that same file in the last round above.
{
  echo
  echo "| 最大的两个 APK | ./medguard apk analyze 秒（3 次中位数） | 峰值 MB | androguard AnalyzeAPK 秒 | 倍数 |"
  echo "|---|---|---|---|---|"
  for f in $(ls -S "${files[@]}" | head -2); do
    name=$(basename "$f")
    declare -a one=() mem=()
    for _ in 1 2 3; do
      read -r w m < <(measure one "$root/medguard" apk analyze "$f" --format json --out "$out/one.json")
      one+=("$w"); mem+=("$m")
    done
    W=$(median "${one[@]}"); Mk=$(printf '%s\n' "${mem[@]}" | sort -n | tail -1)
    A1=$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$out/ag.stdout")
    printf '| %s | %s | %d | %s | %.0f× |\n' "$name" "$W" $((Mk / 1024)) "$A1" "$(echo "$A1 / $W" | bc -l)"
  done
  echo
  echo "- 负载（结束时 uptime）：$(uptime | sed 's/.*load average/load average/')"
} | tee -a "$out/apk.md"
