#!/usr/bin/env bash
# Run by `mvn verify` (tests module, before the tests): ReportTest renders a report in headless
# Chromium. On a machine without it, install Debian's package when we may (root, or sudo
# without a password); otherwise say how, and let ReportTest fail with the same advice.
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ensure-chromium: chromium is not installed and this user cannot install it; run: sudo apt-get install -y chromium" >&2
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium (the report test renders in it) ..." >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq chromium >&2 \
  || echo "ensure-chromium: apt-get install chromium failed; ReportTest will fail" >&2
exit 0
