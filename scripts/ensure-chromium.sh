#!/usr/bin/env bash
# Makes sure headless Chromium and its matching WebDriver are on the machine, for the browser
# ITs (cli module, pre-integration-test). A no-op when both are present, so builds on a machine
# that already has them never touch the network. Installs Debian's `chromium` + `chromium-driver`
# (same package version, so driver and browser always match) when run as root; otherwise it
# stops with a clear message instead of letting the ITs fail later with an obscure one.
set -euo pipefail

if [ "${VIGIL_SKIP_BROWSER_INSTALL:-}" = "true" ]; then
  echo "ensure-chromium: skipped (VIGIL_SKIP_BROWSER_INSTALL=true)"
  exit 0
fi

if command -v chromedriver >/dev/null 2>&1 && { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; }; then
  exit 0
fi

echo "ensure-chromium: chromium/chromedriver missing, installing the Debian packages"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: ERROR: no apt-get on this machine; install Chromium and a matching" >&2
  echo "  chromedriver by hand (on Debian: apt-get install chromium chromium-driver)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: ERROR: installing needs root; run as root:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }; then
  echo "ensure-chromium: ERROR: apt-get could not install chromium chromium-driver" >&2
  exit 1
fi
command -v chromedriver >/dev/null 2>&1 || { echo "ensure-chromium: ERROR: chromedriver still missing after install" >&2; exit 1; }
echo "ensure-chromium: installed $(chromium --version 2>/dev/null || echo chromium)"
