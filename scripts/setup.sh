#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for Parley: system packages, then npm dependencies.
# Safe to run again. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # the reference OMEMO implementation: our interoperability peer in tests
  python3 python3-omemo python3-twomemo python3-oldmemo python3-doubleratchet python3-x3dh python3-xeddsa python3-xmlschema python3-slixmpp
  # a real XMPP server for tests and the demo; a real browser for the UI tests
  prosody chromium openssl
  # SQL storage for that server (SQLite): XEP-0313 paging over internal file storage is slow
  lua-dbi-sqlite3
  # native module builds
  build-essential
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian starts a system-wide Prosody on install; Parley's tests run their own on free loopback ports.

# The Electron binary is fetched from the internet by its postinstall, which is denied in
# package.json's allowScripts; this keeps older npms from trying as well.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
echo "setup: npm ci (builds the native SQLite modules from source, about two minutes)"
npm ci --no-fund --no-audit
