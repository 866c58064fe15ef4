#!/usr/bin/env bash
# Validates the systemd units in deploy/systemd with systemd-analyze verify.
# systemd only warns about a mistyped directive, so any output is a failure.
set -euo pipefail
cd "$(dirname "$0")/systemd"
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is not installed: units not verified" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
units=()
for file in *.service *.target; do
  case "$file" in
    *@.service) instance="${file/@./@1.}"; cp "$file" "$work/$instance"; units+=("$work/$instance") ;;
    *) cp "$file" "$work/$file"; units+=("$work/$file") ;;
  esac
done
output=$(systemd-analyze verify --man=no "${units[@]}" 2>&1) || { echo "$output" >&2; exit 1; }
if [ -n "$output" ]; then
  echo "$output" >&2
  exit 1
fi
echo "${#units[@]} units verified"
