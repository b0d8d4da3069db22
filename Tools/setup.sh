#!/usr/bin/env bash
# Installs what Shenguan needs on a fresh Debian machine with Swift 6.3:
# libsodium (crypto), SQLite headers (GRDB), pkg-config, the Python
# packages of the independent verifier (cryptography, rfc8785), and for the
# web interface's browser tests chromium, chromium-driver and selenium.
# Sourced by Tools/dev; safe to run again (it only installs what is missing).
set -euo pipefail

need_apt=()
pkg-config --exists libsodium 2>/dev/null || need_apt+=(libsodium-dev)
[ -f /usr/include/sqlite3.h ] || need_apt+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
[ -x /usr/bin/time ] || need_apt+=(time)   # the benchmark's per-process peak RSS (GNU time)
# The web interface's browser tests (Tests/Browser): Debian's chromium, its
# driver, and a font with Chinese glyphs (screenshots a clerk can read).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
[ -d /usr/share/fonts/truetype/wqy ] || need_apt+=(fonts-wqy-zenhei)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing missing system packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

if ! python3 -c 'import cryptography, rfc8785, chinese_calendar' 2>/dev/null; then
  echo "setup: installing Python packages for Tools/verify-py: cryptography rfc8785 chinese-calendar" >&2
  python3 -m pip install -q -r "$(dirname "${BASH_SOURCE[0]}")/verify-py/requirements.txt" >&2 \
    || python3 -m pip install -q --break-system-packages -r "$(dirname "${BASH_SOURCE[0]}")/verify-py/requirements.txt" >&2
fi

if ! python3 -c 'import selenium' 2>/dev/null; then
  echo "setup: installing Python packages for Tests/Browser: selenium" >&2
  python3 -m pip install -q -r "$(dirname "${BASH_SOURCE[0]}")/../Tests/Browser/requirements.txt" >&2 \
    || python3 -m pip install -q --break-system-packages -r "$(dirname "${BASH_SOURCE[0]}")/../Tests/Browser/requirements.txt" >&2
fi
