#!/usr/bin/env bash
# cpack builds a .deb; unpacked into a scratch prefix, its tools run a pipeline from there.
set -euo pipefail
build=$1 data=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$build" && cpack -G DEB -B "$scratch/pkg" >/dev/null)
deb=$(ls "$scratch"/pkg/atd_*.deb)
info=$(dpkg-deb -I "$deb")
grep -q "Depends:.*libgdal" <<<"$info" || { echo "FAIL: the package does not depend on libgdal"; exit 1; }
dpkg-deb -x "$deb" "$scratch/root"
bin="$scratch/root/usr/bin"
"$bin/atd" --version | grep -q "^atd " || { echo "FAIL: atd --version"; exit 1; }
[ -f "$scratch/root/usr/share/man/man1/atd-classify.1" ] || { echo "FAIL: no man page in the package"; exit 1; }
# The packaged tools find the packaged profile (../share/atd/standards), not the source tree's.
out=$(env -u ATD_STANDARDS "$bin/atd" score "$data/synthetic-district/district.geojsonl" -q \
      | "$bin/atd" classify --only-changes -f csv -q)
[ "$(wc -l <<<"$out")" -gt 5 ] || { echo "FAIL: the packaged pipeline wrote too little"; exit 1; }
grep -q "R1_kent_city" <<<"$out" || { echo "FAIL: no R1 proposal from the packaged pipeline"; exit 1; }
echo ok
