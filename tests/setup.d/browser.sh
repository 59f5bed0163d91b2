# Sourced by ./test.sh. The platform's browser tests drive Debian's chromium through Playwright (never its own browser
# download); the front-end packages (bootstrap, echarts, htmx) are restored by `npm ci` during the server's build.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export MEDGUARD_CHROMIUM=${MEDGUARD_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$MEDGUARD_CHROMIUM" ]; then
  log "chromium not found at $MEDGUARD_CHROMIUM (tests/setup.d/browser.apt installs it)"
  return 1
fi
if ! command -v npm >/dev/null 2>&1; then
  log "npm missing: installing it (the server's build restores its front-end packages with npm ci)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null || { log "npm install failed"; return 1; }
fi
mkdir -p "$MEDGUARD_ARTIFACTS/screenshots"
