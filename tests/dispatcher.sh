#!/usr/bin/env bash
# atd <verb> runs atd-<verb>; atd lists its verbs; unknown verbs are usage errors.
set -uo pipefail
dir=$1 version=$2
shift 2
"$dir/atd" --version | grep -qx "atd $version" || { echo "FAIL: atd --version"; exit 1; }
list=$("$dir/atd" --help) || { echo "FAIL: atd --help"; exit 1; }
for verb in "$@"; do
  grep -qw "$verb" <<<"$list" || { echo "FAIL: atd --help does not list $verb"; exit 1; }
  got=$("$dir/atd" "$verb" --version) || { echo "FAIL: atd $verb --version"; exit 1; }
  [ "$got" = "atd-$verb $version" ] || { echo "FAIL: atd $verb ran '$got'"; exit 1; }
done
"$dir/atd" no-such-verb 2>/dev/null; rc=$?
[ $rc = 2 ] || { echo "FAIL: unknown verb exits $rc"; exit 1; }
echo ok
