#!/usr/bin/env bash
# One command on a fresh Debian/Ubuntu machine: system packages and npm dependencies
# (scripts/setup.sh), the build, a throwaway Prosody with alice and bob, and Parley for both
# (Electron where a binary exists, otherwise the same UI in Chromium). Ctrl+C stops everything.
#   bash scripts/demo.sh [--skip-setup] [--headless [--screenshots]] [--no-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

skip_setup=0
args=()
for arg in "$@"; do
  case "$arg" in
    --skip-setup) skip_setup=1 ;;
    *) args+=("$arg") ;;
  esac
done

if ((skip_setup)); then echo "demo: skipping scripts/setup.sh"; else bash scripts/setup.sh; fi
node scripts/build-renderer.mjs
# exec: Ctrl+C reaches the demo itself, which stops Prosody by its pid.
exec node --import tsx scripts/demo.mjs "${args[@]}"
