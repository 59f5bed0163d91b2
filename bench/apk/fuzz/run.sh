#!/usr/bin/env bash
# bench/apk/fuzz/run.sh [MINUTES] — fuzz the APK readers (DEX, AXML, ARSC, ZIP) for MINUTES (default 5) with seeds from
# ../shared/testdata/apk. Crashing inputs land in artifacts/fuzz/. Exit status 1 when a crash was found.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
apks=${MEDGUARD_APKS:-$root/../shared/testdata/apk}
dotnet build "$here/MedGuard.Detection.Apk.Fuzz.csproj" -c Release -nologo -v:q -o "$root/artifacts/fuzz-build" >&2
exec dotnet "$root/artifacts/fuzz-build/MedGuard.Detection.Apk.Fuzz.dll" "${1:-5}" "$apks" "$root/artifacts/fuzz"
