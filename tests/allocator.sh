#!/usr/bin/env bash
# Checks that every tool links the allocator the build reports (jemalloc or
# glibc): a tool built without it would silently run a fifth slower at scale.
# Usage: allocator.sh ALLOCATOR TOOL_DIR TOOL...
set -euo pipefail
allocator=$1 dir=$2
shift 2
status=0
for t in atd "${@/#/atd-}"; do
  bin=$dir/$t
  [ -x "$bin" ] || { echo "allocator: $bin: no such tool" >&2; exit 1; }
  if readelf -d "$bin" | grep -q 'NEEDED.*libjemalloc'; then have=jemalloc; else have=glibc; fi
  if [ "$have" != "$allocator" ]; then
    echo "allocator: $t links $have, the build says $allocator" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "allocator: $(($# + 1)) tools link $allocator"
exit $status
