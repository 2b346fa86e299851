#!/usr/bin/env bash
# atd(1) describes the tools that exist: each atd-TOOL built from tools/ has
# exactly one entry in its list of tools and one in SEE ALSO, and it names
# no tool that does not exist. With BUILD_DIR, the build's man/manN/ holds
# every page as it is in man/ (MANPATH=build/man: reads them).
set -uo pipefail
root=$1 build=${2:-}
page="$root/man/atd.1"
mapfile -t tools < <(cd "$root/tools" && ls atd-*.cpp | sed 's/\.cpp$//' | sort)
# The list runs from "The tools:" to the next .PP; SEE ALSO to the end.
list=$(sed -n '/^The tools:/,/^\.PP/p' "$page")
see_also=$(sed -n '/^\.SH "\?SEE ALSO"\?/,$p' "$page")
status=0
for t in "${tools[@]}"; do
  entry="^\.BR ${t//-/\\\\-} (1)"
  n=$(grep -c "$entry\$" <<<"$list")
  [ "$n" = 1 ] || { echo "FAIL: atd(1) lists $t $n times in its tools"; status=1; }
  n=$(grep -c "$entry,\?\$" <<<"$see_also")
  [ "$n" = 1 ] || { echo "FAIL: atd(1) names $t $n times in SEE ALSO"; status=1; }
done
for named in $(grep -o '^\.BR atd\\-[a-z]* (1)' "$page" | sed 's/^\.BR //; s/\\//g; s/ (1)//' | sort -u); do
  printf '%s\n' "${tools[@]}" | grep -qx "$named" || { echo "FAIL: atd(1) names $named, which is not a tool"; status=1; }
done
if [ -n "$build" ]; then
  for p in "$root"/man/*.[15]; do
    laid="$build/man/man${p##*.}/$(basename "$p")"
    cmp -s "$p" "$laid" || { echo "FAIL: $laid is missing or differs from man/$(basename "$p")"; status=1; }
  done
fi
[ $status = 0 ] && echo "ok: atd(1) lists each of the ${#tools[@]} tools once"
exit $status
