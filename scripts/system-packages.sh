#!/usr/bin/env bash
# Make sure the Debian packages the app needs are on this machine: installs them with apt when we are
# root, otherwise stops with the exact command to run. Usage: scripts/system-packages.sh run|test
set -euo pipefail
mode=${1:-run}
missing=()
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
  echo "Python 3.11 or newer is needed as python3 (or run: make PYTHON=/path/to/python3.11 ...)." >&2; exit 1; }
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Without a CJK font, Chinese renders as boxes in the browser tests' screenshots.
  fc-list 2>/dev/null | grep -qi 'wqy\|WenQuanYi' || missing+=(fonts-wqy-microhei fontconfig)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}. As root, run:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi
