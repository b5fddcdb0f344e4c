#!/usr/bin/env bash
# Installs the real servers that the tests and the demo run (Debian packages), when missing.
set -euo pipefail
need=()
for pair in victoria-metrics:victoria-metrics vmalert:victoria-metrics vmauth:victoria-metrics \
  vmagent:victoria-metrics prometheus-alertmanager:prometheus-alertmanager promtool:prometheus \
  chromium:chromium dnsmasq:dnsmasq-base; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
pkgs=$(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ]; then
  apt-get update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update
  # shellcheck disable=SC2086
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs
else
  echo "missing Debian packages: $pkgs; install them as root: apt-get install -y $pkgs" >&2
  exit 1
fi
