#!/usr/bin/env bash
# cmake --install into a scratch prefix; a separate project finds atd with find_package and links it.
set -euo pipefail
build=$1 consumer=$2
prefix=$(mktemp -d)
cbuild=$(mktemp -d)
trap 'rm -rf "$prefix" "$cbuild"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/atd bin/atd-ingest bin/atd-validate bin/atd-score bin/atd-classify share/man/man1/atd.1 share/man/man5/atd-data.5 share/atd/standards/kz.toml include/atd/io.hpp; do
  [ -e "$prefix/$f" ] || { echo "FAIL: install lacks $f"; exit 1; }
done
"$prefix/bin/atd" ingest --version >/dev/null
cmake -S "$consumer" -B "$cbuild" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$cbuild" >/dev/null
out=$(LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:${LD_LIBRARY_PATH:-}" "$cbuild/consumer")
[ "$out" = "101010000 level 3" ] || { echo "FAIL: consumer printed '$out'"; exit 1; }
echo ok
