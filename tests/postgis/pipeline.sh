#!/usr/bin/env bash
# PostGIS end to end, on a PostgreSQL server of its own (loopback, a free
# port, a temporary directory): the bundled settlements written to tables by
# atd-ingest, validated, scored and classified reading PG:, the proposals
# written back as a table; then a table replaced by a big write that is killed
# (SIGKILL) while its transaction runs must be left intact, and a database
# that does not exist is a one-line error. Fails when PostgreSQL or PostGIS is
# not installed (scripts/setup.sh installs them). KEEP=1 keeps the temporary directory.
# Usage: pipeline.sh TOOL_DIR SOURCE_DIR [BIG_N]
set -euo pipefail
tools=$1 src=$2 big_n=${3:-100000}
export PATH=$tools:$PATH
fail() { echo "FAIL: $*"; exit 1; }
# Runs a command that must exit with status WANT; its standard error goes to $work/err.
must_fail() {
  local want=$1 got
  shift
  set +e
  "$@" 2>"$work/err"
  got=$?
  set -e
  [ "$got" = "$want" ] || fail "exit $got, not $want: $* ($(cat "$work/err"))"
}
started=$SECONDS

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || fail "PostgreSQL is not installed (scripts/setup.sh installs it)"
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 ||
  fail "PostGIS is not installed (scripts/setup.sh installs it)"

work=$(mktemp -d)
chmod 755 "$work"
mkdir "$work/pg"
# PostgreSQL refuses to run as root: then the server runs as nobody.
as_server=()
if [ "$(id -u)" = 0 ]; then
  chown nobody "$work/pg"
  as_server=(runuser -u nobody --)
fi
cleanup() {
  "${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/pg" && "${as_server[@]}" "$pgbin/initdb" -D "$work/pg/data" -U atd -A trust -E UTF8 --no-locale \
  --no-sync >/dev/null) || fail "initdb failed"
(cd "$work/pg" && "${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-h 127.0.0.1 -p $port -k $work/pg -F" start >/dev/null) || { cat "$work/pg/log"; fail "the server did not start"; }

sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U atd -d atd -c "$1"; }
psql -X -q -h 127.0.0.1 -p "$port" -U atd -d postgres -c "CREATE DATABASE atd" >/dev/null
sql "CREATE EXTENSION postgis"
conn="host=127.0.0.1 port=$port user=atd dbname=atd"
pg="PG:$conn"

# --- The bundled data into tables, and the pipeline reading them.
kz=$src/datasets/kz
atd-ingest --kato "$kz/kato.csv" --points "$kz/settlement_points.csv" --boundaries "$kz/districts.geojson" \
  --make-valid --categories "$kz/categories.csv" --stats "$kz/population_2023.csv" -q -o "$work/kz.geojsons"
atd-ingest "$work/kz.geojsons" -q -o "$pg"
n_settlements=$(grep -c '"feature_type":"settlement"' "$work/kz.geojsons")
n_units=$(grep -c '"feature_type":"unit"' "$work/kz.geojsons")
n_placed=$(grep '"feature_type":"settlement"' "$work/kz.geojsons" | grep -c '"geometry":{')
[ "$n_settlements" -gt 6000 ] || fail "only $n_settlements settlements ingested"
[ "$(sql "SELECT count(*) FROM settlements")" = "$n_settlements" ] || fail "settlements table: not $n_settlements rows"
[ "$(sql "SELECT count(*) FROM units")" = "$n_units" ] || fail "units table: not $n_units rows"
[ "$(sql "SELECT count(geom) FROM settlements")" = "$n_placed" ] || fail "settlements table: not $n_placed positions"
[ "$(sql "SELECT Find_SRID('public', 'settlements', 'geom')")" = 4326 ] || fail "settlements.geom is not EPSG:4326"
[ "$(sql "SELECT GeometryType(geom) FROM settlements WHERE geom IS NOT NULL GROUP BY 1")" = POINT ] ||
  fail "settlement geometries are not points"
[ "$(sql "SELECT count(*) FROM settlements WHERE kato = '591010000' AND name_ru = 'Петропавловск'")" = 1 ] ||
  fail "Petropavlovsk (591010000) is not in the settlements table"

must_fail 1 atd-ingest "$work/kz.geojsons" -q -o "$pg"
grep -q "table units already exists; add --overwrite to replace it" "$work/err" || fail "$(cat "$work/err")"

# Validation reads the tables exactly as it reads the file.
atd-validate "$work/kz.geojsons" -q -f json -o "$work/validation-file.json"
atd-validate "$pg tables=settlements,units" -q -f json -o "$work/validation-pg.json"
cmp -s "$work/validation-file.json" "$work/validation-pg.json" ||
  fail "validating the tables differs from validating the file: $(diff "$work/validation-file.json" "$work/validation-pg.json" | head -5)"

# Proposals written back as a table; the same as from the file.
atd-score "$pg tables=settlements" -q | atd-classify -q -o "$pg" --table proposals
# (The file's settlements alone, as the table holds them: no units, so C4 judges contiguity by distance on both.)
grep '"feature_type":"settlement"' "$work/kz.geojsons" | atd-score - -q | atd-classify -q -f csv -o "$work/proposals-file.csv"
[ "$(sql "SELECT count(*) FROM proposals")" = "$n_settlements" ] || fail "proposals table: not $n_settlements rows"
for column in proposal proposal_status proposal_options decide_with proposal_rule proposal_reasons category kato geom; do
  [ "$(sql "SELECT count(*) FROM information_schema.columns WHERE table_name = 'proposals' AND column_name = '$column'")" = 1 ] ||
    fail "proposals table has no column $column"
done
n_kents=$(sql "SELECT count(*) FROM proposals WHERE category = 'kent'")
[ "$n_kents" -gt 0 ] || fail "no kent in the proposals table"
[ "$(sql "SELECT count(*) FROM proposals WHERE category = 'kent' AND (proposal <> 'keep' OR proposal_status = 'not_assessed')")" = "$n_kents" ] ||
  fail "a kent keeps its status"
[ "$(sql "SELECT count(*) FROM proposals WHERE category = 'kent' AND proposal = 'aul' AND c1_pop >= 10000")" = 0 ] ||
  fail "a kent of 10,000 or more is proposed an aul"
sql "SELECT kato || ',' || coalesce(proposal, '') || ',' || proposal_status FROM proposals ORDER BY kato" >"$work/proposals-pg.txt"
python3 - "$work/proposals-file.csv" >"$work/proposals-file.txt" <<'PY'
import csv, sys
rows = sorted((r["kato"], r["proposal"], r["proposal_status"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
              if r["feature_type"] == "settlement")
print("\n".join(",".join(r) for r in rows))
PY
cmp -s "$work/proposals-file.txt" "$work/proposals-pg.txt" || fail "the proposals read from PG: differ from the file's"
n_changes=$(grep -vc ',keep,\|,,not_assessed$' "$work/proposals-pg.txt" || true)

# A replacement that cannot drop the old table (a view depends on it) fails whole.
checksum() { sql "SELECT md5(string_agg(t::text, '|' ORDER BY fid)) FROM $1 t"; }
before=$(checksum proposals)
sql "CREATE VIEW kent_proposals AS SELECT kato, proposal FROM proposals WHERE category = 'kent'"
must_fail 1 atd-ingest "$work/kz.geojsons" -q -o "$pg" --table proposals --overwrite
grep -q "cannot replace table proposals: .*view kent_proposals depends on table proposals" "$work/err" ||
  fail "$(cat "$work/err")"
[ "$(checksum proposals)" = "$before" ] || fail "the failed replacement changed the proposals table"
sql "DROP VIEW kent_proposals"

# A run that fails after writing one table (units come first; the index name
# the settlements table needs is taken) leaves neither.
head -1 "$work/kz.geojsons" | grep -q '"feature_type":"unit"' || fail "kz.geojsons does not start with units"
sql "CREATE SCHEMA trial; CREATE TABLE trial.taken (g int); CREATE INDEX settlements_geom_geom_idx ON trial.taken (g)"
must_fail 1 atd-ingest "$work/kz.geojsons" -q -o "$pg active_schema=trial"
grep -q "settlements" "$work/err" || fail "the error does not name the settlements table: $(cat "$work/err")"
left=$(sql "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trial'")
[ "$left" = "settlements_geom_geom_idx,taken" ] || fail "a failed run left in its schema: $left"
sql "DROP SCHEMA trial CASCADE"

# --- Killed mid-write: the old table stays as it was.
python3 "$src/bench/make-settlements.py" "$big_n" >"$work/big.geojsons"
old_oid=$(sql "SELECT 'proposals'::regclass::oid")
atd-ingest "$work/big.geojsons" -q -o "$pg application_name=atd_killed" --table proposals --overwrite &
writer=$!
# Wait until the writer's transaction has dropped the old table (it holds its
# lock) and is copying the new rows in.
in_copy=0
for _ in $(seq 1 1200); do
  in_copy=$(sql "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                 WHERE a.application_name = 'atd_killed' AND a.query LIKE 'COPY%' AND a.xact_start IS NOT NULL
                   AND l.relation = $old_oid AND l.mode = 'AccessExclusiveLock' AND l.granted")
  [ "$in_copy" = 1 ] && break
  kill -0 "$writer" 2>/dev/null || break
  sleep 0.1
done
[ "$in_copy" = 1 ] || fail "never saw the writer's transaction copying rows (the writer may have finished)"
kill -9 "$writer"
set +e
{ wait "$writer"; } 2>/dev/null
status=$?
set -e
[ "$status" = 137 ] || fail "the writer exited $status, not killed by SIGKILL"
for _ in $(seq 1 100); do
  [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'atd_killed'")" = 0 ] && break
  sleep 0.1
done
[ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'atd_killed'")" = 0 ] ||
  fail "the killed writer's session is still there"
[ "$(sql "SELECT 'proposals'::regclass::oid")" = "$old_oid" ] || fail "the proposals table was replaced"
[ "$(sql "SELECT count(*) FROM proposals")" = "$n_settlements" ] || fail "the proposals table lost rows"
[ "$(checksum proposals)" = "$before" ] || fail "the proposals table changed"
tables=$(sql "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S')")
[ "$tables" = "proposals,proposals_fid_seq,settlements,settlements_fid_seq,spatial_ref_sys,units,units_fid_seq" ] ||
  fail "tables and sequences left: $tables"

# The same write, not killed, replaces the table at its commit.
atd-ingest "$work/big.geojsons" -q -o "$pg" --table proposals --overwrite
[ "$(sql "SELECT count(*) FROM proposals")" = "$big_n" ] || fail "the replaced proposals table has not $big_n rows"

# --- A database that does not exist.
must_fail 1 atd-ingest "$work/kz.geojsons" -q -o "PG:host=127.0.0.1 port=$port user=atd dbname=no_such_db password=secret"
[ "$(wc -l <"$work/err")" = 1 ] || fail "not one line: $(cat "$work/err")"
grep -q "^atd-ingest: error: PG:.*dbname=no_such_db password=\*\*\*: cannot connect: .*database \"no_such_db\" does not exist$" \
  "$work/err" || fail "message: $(cat "$work/err")"
must_fail 1 atd-validate "PG:host=127.0.0.1 port=$port user=atd dbname=no_such_db password=secret" -q
[ "$(wc -l <"$work/err")" = 1 ] || fail "not one line: $(cat "$work/err")"
grep -q "^atd-validate: error: PG:.*dbname=no_such_db password=\*\*\*: cannot read: .*database \"no_such_db\" does not exist$" \
  "$work/err" || fail "message: $(cat "$work/err")"

echo "ok: $n_settlements settlements and $n_units units in PostGIS, validated and classified from PG: ($n_kents kents" \
  "all changed, $n_changes proposals change something, same as from the file), written back as table proposals;" \
  "a $big_n-row replacement killed mid-COPY left it intact, failed runs left nothing; a missing database is one line," \
  "exit 1;" \
  "$((SECONDS - started)) s"
