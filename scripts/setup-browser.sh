#!/bin/sh
# Install Debian's chromium for the browser tests (tests/test_html_browser.py).
# Idempotent: does nothing when /usr/bin/chromium exists. Never downloads a
# Playwright browser build; the tests point Playwright at /usr/bin/chromium.
set -eu
if [ -x /usr/bin/chromium ]; then
    echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
