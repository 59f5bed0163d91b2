#!/usr/bin/env bash
# bench/web/all-targets.sh TOOL — one tool over the five targets that serve.sh keeps running, one after the other, as
# sites.sh and run.sh run it (MedGuard: the README's ./medguard, `--browser auto`, the portal with its login recipe;
# wapiti: the same modules as there). Time it whole, paired with the other tool. Run as root (it enters the namespace).
# TOOL: medguard | wapiti.  RATE sets MedGuard's --rate (default 100; wapiti runs unthrottled).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/artifacts/bench-web-pair}
RATE=${RATE:-100}
# shellcheck disable=SC1091
source "$OUT/targets.env"
RUN=$OUT/runs/$1-$$; mkdir -p "$RUN"
inns() { ip netns exec "$NS" "$@"; }
scope() { printf 'targets:\n  - host: 127.0.0.1\n    ports: [%s]\n' "$(sed 's|.*:\([0-9]*\)/$|\1|' <<<"$1")" > "$RUN/$2.scope.yaml"; }

for name in portal php-forms node-menu spa-json aspnet-xhr; do
  var=$(tr 'a-z-' 'A-Z_' <<<"$name")_URL; url=${!var}
  case $1 in
    medguard)
      scope "$url" "$name"
      login=(); [ "$name" = portal ] && login=(--login tests/MedGuard.TestTargets.HospitalPortal/login-recipe.yaml)
      inns "$ROOT/medguard" scan web --scope "$RUN/$name.scope.yaml" --url "$url" "${login[@]}" \
        --format json --rate "$RATE" --browser auto > "$RUN/$name.json" 2> "$RUN/$name.stderr" ;;
    wapiti)
      modules="blindsql,sql,xss,exec,file,redirect"
      [ "$name" = portal ] && modules="blindsql,cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,xss,backup,methods"
      inns wapiti -u "$url" --scope folder -m "$modules" -f json -o "$RUN/$name.json" --flush-session --no-bugreport \
        --store-session "$RUN/$name-session" --store-config "$RUN/$name-config" -v 0 > "$RUN/$name.stdout" 2>&1 ;;
    *) echo "usage: all-targets.sh medguard|wapiti" >&2; exit 2 ;;
  esac
done
