#!/usr/bin/env bash
# Sets up a fresh Debian machine for the console: system packages, then npm
# dependencies. `--test` adds what the test suite needs (a Samba server,
# Chromium, restic, Python's cryptography for the independent decoder, aiosmtpd
# for the notification tests' SMTP server).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(smbclient openssl)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(samba chromium xvfb restic python3-cryptography python3-aiosmtpd)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  SUDO=""
  [[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Electron runtime cannot be downloaded on locked-down stations; without it
# `npm start` serves the same console through the loopback web host.
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
