#!/usr/bin/env bash
# Runs one golden-file CLI case: tests/cli/<verb>/<case>/ holds
#   args       the command line after the tool name (bash words; $CASE and $DATA expand)
#   stdin      optional, fed to the tool
#   stdin_device  optional, the path of a device fed to the tool instead (/dev/zero)
#   stdout     optional, the exact expected stdout
#   exit_code  optional, the expected exit status (default 0)
#   stderr     optional, lines that must each appear in stderr (key words of the message)
#   check      optional, a bash script run afterwards in the work directory ($TOOLS: the tools)
#   keeps      optional, names of files a failing run is meant to leave (one a line)
# The tool runs in an empty work directory; a failing run must leave it empty
# (no half-written output).
set -uo pipefail
tool_dir=$1 CASE=$2 DATA=$3
verb=$(basename "$(dirname "$CASE")")
tool="$tool_dir/atd-$verb"
[ "$verb" = atd ] && tool="$tool_dir/atd"
work=$(mktemp -d)
out=$(mktemp)
err=$(mktemp)
diffs=$(mktemp)
trap 'rm -rf "$work" "$out" "$err" "$diffs"' EXIT
TOOLS=$tool_dir
export CASE DATA TOOLS
cd "$work"
eval "set -- $(cat "$CASE/args")"
if [ -f "$CASE/stdin" ]; then
  "$tool" "$@" <"$CASE/stdin" >"$out" 2>"$err"
elif [ -f "$CASE/stdin_device" ]; then
  "$tool" "$@" <"$(cat "$CASE/stdin_device")" >"$out" 2>"$err"
else
  "$tool" "$@" </dev/null >"$out" 2>"$err"
fi
rc=$?
fail() { echo "FAIL: $*"; echo "--- stderr:"; head -c 2000 "$err"; echo "--- stdout (head):"; head -c 2000 "$out"; exit 1; }
want=0
[ -f "$CASE/exit_code" ] && want=$(tr -d '[:space:]' <"$CASE/exit_code")
[ "$rc" = "$want" ] || fail "exit code $rc, expected $want"
if [ -f "$CASE/stderr" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    [ -z "$line" ] && continue
    grep -qF -- "$line" "$err" || fail "stderr lacks: $line"
  done <"$CASE/stderr"
fi
if [ "$rc" -ne 0 ]; then
  [ "$(wc -l <"$err")" -ge 1 ] || fail "no error message"
  left=$(ls -A "$work")
  # keeps: files a failing run is meant to leave (validate's report).
  [ -f "$CASE/keeps" ] && left=$(grep -vxF -f "$CASE/keeps" <<<"$left")
  [ -z "$left" ] || fail "a failed run left files behind: $left"
fi
if [ -f "$CASE/stdout" ]; then
  diff -u "$CASE/stdout" "$out" >"$diffs" 2>&1 || { head -c 4000 "$diffs"; fail "stdout differs from the golden file"; }
fi
if [ -f "$CASE/check" ]; then
  (cd "$work" && OUT="$out" bash "$CASE/check") || fail "check script failed"
fi
echo "ok"
