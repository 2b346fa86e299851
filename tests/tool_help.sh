#!/usr/bin/env bash
# A tool answers --help and --version, and its man page names every option of --help.
set -uo pipefail
tool=$1 page=$2 version=$3
name=$(basename "$tool")
help=$("$tool" --help) || { echo "FAIL: $name --help exited $?"; exit 1; }
grep -q "Usage" <<<"$help" || { echo "FAIL: $name --help prints no usage"; exit 1; }
v=$("$tool" --version) || { echo "FAIL: $name --version exited $?"; exit 1; }
[ "$v" = "$name $version" ] || { echo "FAIL: $name --version printed '$v'"; exit 1; }
"$tool" --no-such-option >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || { echo "FAIL: an unknown option exits $rc, expected 2"; exit 1; }
[ -f "$page" ] || { echo "FAIL: no man page $page"; exit 1; }
# roff writes '-' as '\-'.
text=$(sed 's/\\-/-/g' "$page")
status=0
for opt in $(grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' <<<"$help" | tr -d ' ,' | sort -u); do
  grep -qF -- "$opt" <<<"$text" || { echo "FAIL: $page does not mention $opt"; status=1; }
done
[ $status = 0 ] && echo ok
exit $status
