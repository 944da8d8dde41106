#!/usr/bin/env bash
# Debian's Chromium for the web end-to-end test (Playwright drives /usr/bin/chromium; it never downloads a browser).
# Idempotent: does nothing when /usr/bin/chromium is there.  Exit status 1 when it cannot be installed
# (the e2e test then skips with its reason).
set -uo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "chromium.sh: not root and no sudo: cannot install chromium" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null 2>&1 || echo "chromium.sh: apt-get update failed" >&2
if ! $SUDO apt-get install -y -q chromium >/dev/null 2>&1; then
  echo "chromium.sh: apt-get install chromium failed" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || { echo "chromium.sh: /usr/bin/chromium missing after install" >&2; exit 1; }
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
