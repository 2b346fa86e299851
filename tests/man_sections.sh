#!/usr/bin/env bash
# Every man page has the fixed sections and renders without warnings.
set -uo pipefail
status=0
for page in "$1"/*.[0-9]; do
  for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    grep -q "^\.SH \"\?$s\"\?\$" "$page" || { echo "FAIL: $page has no $s section"; status=1; }
  done
  case "$page" in *.1)
    grep -q '^\.SH OPTIONS$' "$page" || { echo "FAIL: $page has no OPTIONS section"; status=1; } ;;
  esac
  # Every tool says what it holds in memory.
  case "$(basename "$page")" in atd-*.1)
    grep -q '^\.SH "\?MEMORY USAGE"\?$' "$page" || { echo "FAIL: $page has no MEMORY USAGE section"; status=1; } ;;
  esac
  if command -v groff >/dev/null; then
    w=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$w" ] || { echo "FAIL: $page: $w"; status=1; }
  fi
done
[ $status = 0 ] && echo ok
exit $status
