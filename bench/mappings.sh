#!/usr/bin/env bash
# Benchmark of the dsql_iam mapping store (issue 4):
#   1. 10,000 mappings created (AWS IAM GRANT = CALL sys.aws_iam_grant) and
#      then revoked, in batches of 1,000: time per operation, per batch, so
#      that growth with the number of existing mappings shows.  Grant and
#      revoke are procedures, so a batch is one DO block whose FOR loop CALLs
#      the procedure once per mapping (one statement, one transaction); its
#      duration is taken on the server (clock_timestamp() before and after,
#      timed_ms) and divided by the batch size.  That raw figure includes
#      the PL/pgSQL loop step and the CALL dispatch (several µs, more than a
#      whole revoke costs) and one client round trip per 1,000 operations,
#      so the same loop is also timed CALLing an empty procedure with the
#      same arguments (bench_noop, 10,000 calls) and that cost per call is
#      subtracted: the "net" column is the grant or revoke itself;
#   2. the read the authentication hook does (sys.aws_iam_mapping_exists:
#      role name -> OID, then the role's label by pg_shseclabel's unique
#      index), timed with 10 and with 10,000 mappings in the cluster, each
#      on its own role; side by side with the role lookup alone
#      (to_regrole), the part the hook does anyway;
#   3. the same read for a role that holds 1,000 mappings (the per-role
#      maximum), since a label is parsed whole.
#
#   bench/mappings.sh [seconds per pgbench run, default 10]
#
# Throwaway cluster (initdb in a mktemp directory, Unix socket only,
# shared_preload_libraries = 'dsql_iam'); as root the server runs as the
# unprivileged user dsqlrun.  Needs the extension installed
# (make -f Makefile.pgxs install).  Prints the figures as Markdown for
# bench/RESULTS.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"
secs=${1:-10}
N=10000
BATCH=1000

run=()
if [ "$(id -u)" -eq 0 ]; then
  ensure_run_user
  run=(runuser -u "$DSQL_RUN_USER" --)
fi
for v in PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGOPTIONS; do unset "$v"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/dsql-bench.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown "$DSQL_RUN_USER:" "$work"
chmod 0700 "$work"
cd "$work"
port=$((20000 + RANDOM % 20000))
cleanup() {
  if [ -f "$work/data/postmaster.pid" ]; then
    "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${run[@]}" "$PG_BINDIR/initdb" -D "$work/data" -A trust -E UTF8 --no-locale >/dev/null
"${run[@]}" tee -a "$work/data/postgresql.conf" >/dev/null <<EOF
shared_preload_libraries = 'dsql_iam'
listen_addresses = ''
unix_socket_directories = '$work'
port = $port
shared_buffers = 256MB
EOF
"${run[@]}" "$PG_BINDIR/pg_ctl" -D "$work/data" -l "$work/log" -w start >/dev/null

q() { "${run[@]}" "$PG_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$work" -p "$port" -d postgres "$@"; }
# Time one statement on the server (clock_timestamp around it), in ms.
timed_ms() {
  q -c "SET ROLE admin" -c "CREATE TEMP TABLE IF NOT EXISTS t0 (t timestamptz)" \
    -c "TRUNCATE t0" -c "INSERT INTO t0 VALUES (clock_timestamp())" -c "$1" \
    -c "SELECT round(extract(epoch FROM clock_timestamp() - t) * 1000, 1) FROM t0" | tail -1
}
# The DO statement of one batch: CALL <proc>(<role expr>, <arn expr>) for
# i = lo..hi (the expressions may use i).
loop_call() {  # loop_call proc role-expr arn-expr lo hi
  printf 'DO $$ BEGIN FOR i IN %s..%s LOOP CALL %s(%s, %s); END LOOP; END $$' \
    "$4" "$5" "$1" "$2" "$3"
}
pgb() {  # pgb script-file: average latency in microseconds (1 client)
  "${run[@]}" "$PG_BINDIR/pgbench" -n -M simple -c 1 -T "$secs" -h "$work" -p "$port" \
    -f "$1" postgres 2>"$work/pgbench.err" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' \
    | awk '{ printf "%.1f", $1 * 1000 }'
}

q <<'SQL'
CREATE EXTENSION dsql_iam;
CREATE ROLE admin LOGIN CREATEROLE;
GRANT CREATE ON SCHEMA public TO admin;
-- same signature as the grant and revoke procedures, does nothing: the cost
-- of the DO loop and CALL dispatch alone
CREATE PROCEDURE bench_noop(pg_role_name text, arn text) LANGUAGE sql BEGIN ATOMIC END;
SQL
q -c "SELECT format('CREATE ROLE bench_r%s LOGIN;', i) FROM generate_series(1, $N) i" >"$work/roles.sql"
q -f "$work/roles.sql" >/dev/null
q -c "CREATE ROLE bench_many LOGIN"

arn="'arn:aws:iam::123456789012:role/BenchRole' || i"

# ---- reads with 10 mappings ----
q -c "SET ROLE admin" -c "$(loop_call sys.aws_iam_grant "'bench_r' || i" "$arn" 1 10)" >/dev/null
cat >"$work/read10.sql" <<'EOF'
\set r random(1, 10)
SELECT sys.aws_iam_mapping_exists('bench_r' || (:r)::text, 'arn:aws:iam::123456789012:role/BenchRole' || (:r)::text);
EOF
cat >"$work/role10.sql" <<'EOF'
\set r random(1, 10)
SELECT to_regrole('bench_r' || (:r)::text) IS NOT NULL;
EOF
read10=$(pgb "$work/read10.sql") || { cat "$work/pgbench.err"; exit 1; }
role10=$(pgb "$work/role10.sql")
srv10=$(timed_ms "SELECT count(*) FILTER (WHERE sys.aws_iam_mapping_exists('bench_r' || (1 + i % 10), 'arn:aws:iam::123456789012:role/BenchRole' || (1 + i % 10))) FROM generate_series(1, 100000) i")
q -c "SET ROLE admin" -c "$(loop_call sys.aws_iam_revoke "'bench_r' || i" "$arn" 1 10)" >/dev/null

# ---- cost of the DO loop + CALL alone, µs per call (10,000 calls) ----
loop_ms=$(timed_ms "$(loop_call bench_noop "'bench_r' || i" "$arn" 1 $N)")
loop_us=$(awk -v m="$loop_ms" -v n="$N" 'BEGIN { printf "%.1f", m * 1000 / n }')
per_op() {  # per_op ms: "| raw µs | net µs |" for one batch
  awk -v m="$1" -v n="$BATCH" -v l="$loop_us" \
    'BEGIN { r = m * 1000 / n; printf "| %.1f | %.1f |", r, r - l }'
}

# ---- 10,000 grants, 1,000 per statement ----
grant_rows=""
for b in $(seq 0 $((N / BATCH - 1))); do
  lo=$((b * BATCH + 1)); hi=$(((b + 1) * BATCH))
  ms=$(timed_ms "$(loop_call sys.aws_iam_grant "'bench_r' || i" "$arn" "$lo" "$hi")")
  grant_rows+="| $((lo - 1)) → $hi $(per_op "$ms")"$'\n'
done
total=$(q -c "SELECT count(*) FROM sys.iam_pg_role_mappings")

# ---- reads with 10,000 mappings ----
cat >"$work/read10k.sql" <<EOF
\\set r random(1, $N)
SELECT sys.aws_iam_mapping_exists('bench_r' || (:r)::text, 'arn:aws:iam::123456789012:role/BenchRole' || (:r)::text);
EOF
cat >"$work/role10k.sql" <<EOF
\\set r random(1, $N)
SELECT to_regrole('bench_r' || (:r)::text) IS NOT NULL;
EOF
read10k=$(pgb "$work/read10k.sql")
role10k=$(pgb "$work/role10k.sql")
srv10k=$(timed_ms "SELECT count(*) FILTER (WHERE sys.aws_iam_mapping_exists('bench_r' || (1 + i % $N), 'arn:aws:iam::123456789012:role/BenchRole' || (1 + i % $N))) FROM generate_series(1, 100000) i")
plan=$(q -c "EXPLAIN (COSTS OFF) SELECT label FROM pg_shseclabel
              WHERE objoid = 'bench_r42'::regrole AND classoid = 'pg_authid'::regclass
                AND provider = 'dsql_iam'" | sed 's/^/    /')

# ---- one role with 1,000 mappings (the per-role maximum) ----
q -c "SET ROLE admin" -c "$(loop_call sys.aws_iam_grant "'bench_many'" "'arn:aws:iam::123456789012:role/Many' || i" 1 1000)" >/dev/null
srvmany=$(timed_ms "SELECT count(*) FILTER (WHERE sys.aws_iam_mapping_exists('bench_many', 'arn:aws:iam::123456789012:role/Many' || (1 + i % 1000))) FROM generate_series(1, 10000) i")
q -c "SET ROLE admin" -c "$(loop_call sys.aws_iam_revoke "'bench_many'" "'arn:aws:iam::123456789012:role/Many' || i" 1 1000)" >/dev/null

# ---- 10,000 revokes ----
revoke_rows=""
for b in $(seq 0 $((N / BATCH - 1))); do
  lo=$((b * BATCH + 1)); hi=$(((b + 1) * BATCH))
  ms=$(timed_ms "$(loop_call sys.aws_iam_revoke "'bench_r' || i" "$arn" "$lo" "$hi")")
  revoke_rows+="| $((N - lo + 1)) → $((N - hi)) $(per_op "$ms")"$'\n'
done
left=$(q -c "SELECT count(*) FROM sys.iam_pg_role_mappings")

us() { awk -v m="$1" -v n="$2" 'BEGIN { printf "%.2f", m * 1000 / n }'; }
cat <<EOF
Command: \`bench/mappings.sh $secs\` ($(date -u +%Y-%m-%d), $(nproc) cores $(lscpu | sed -n 's/^Model name: *//p'), $(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo) GiB,
PostgreSQL $(q -c "SHOW server_version"), pgbench -M simple -c 1 -T $secs over a Unix socket).

Grants (CALL sys.aws_iam_grant, 1,000 per statement: a DO block whose FOR
loop CALLs the procedure, as admin) — µs per grant, by number of mappings
already in the cluster (each on its own role). Raw: statement time / 1,000;
net: raw minus the loop and CALL dispatch alone, ${loop_us} µs per call (the
same loop CALLing an empty procedure, 10,000 calls):

| mappings before → after | µs / grant, raw | µs / grant, net |
|---|---|---|
${grant_rows}
Revokes (CALL sys.aws_iam_revoke, same loop) — µs per revoke:

| mappings before → after | µs / revoke, raw | µs / revoke, net |
|---|---|---|
${revoke_rows}
Mappings after the grants: $total; after the revokes: $left.

The authentication-path read (sys.aws_iam_mapping_exists(role, arn)),
random role among the mapped ones:

| mappings in the cluster | server µs / read (100,000 in one statement) | client latency µs (pgbench) | role lookup alone, client µs (to_regrole) |
|---|---|---|---|
| 10 | $(us "$srv10" 100000) | $read10 | $role10 |
| $N | $(us "$srv10k" 100000) | $read10k | $role10k |

A role holding 1,000 mappings (the per-role maximum; the label is parsed
whole): $(us "$srvmany" 10000) µs per read on the server.

The lookup is pg_shseclabel's unique index on (objoid, classoid, provider);
the equivalent SQL plans as:

$plan
EOF
