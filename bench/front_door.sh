#!/usr/bin/env bash
# The front door's figures (issue 11), printed as Markdown for bench/RESULTS.md. One
# cluster of `dsqlctl local up`; beside its front door (127.0.0.1:P, TLS ended by
# dsl/front, PostgreSQL reached over its Unix socket) the bench gives PostgreSQL its
# own TLS listener on 127.0.0.2:P (same certificate, same CA: bench-only settings), so
# that both paths are measured in one run, alternating, with sslmode=verify-full:
#   1. connection rate (pgbench -C, SELECT 1): a token through the front door, against
#      scram-sha-256 on PostgreSQL's TLS, trust on a second server of the same binaries
#      without dsql_iam (dsql_iam closes TCP trust lines whatever its mode, issue 11
#      item 5; same certificate, TLS on 127.0.0.3), and a token on PostgreSQL's TLS
#      (which separates the front door's cost from the token's)
#   2. per query: pgbench -S (simple and prepared protocol, 1 and 4 clients) through
#      the front door against PostgreSQL's TLS, in many short pairs (direct, then front
#      door): the machine's load drifts more between runs than the front door costs,
#      so the figure is the median of the per-pair ratios
#   3. logins during a flood of 200 clients stalled before authenticating
#      (bench/front_door_bench.cpp): the front door, without and with the flood, and
#      PostgreSQL's own TLS with the same flood
# The connection-rate limit is raised for the bench (--connection-rate/--connection-burst
# 1000000): it is DSQL's quota, not a cost, and pgbench -C would exceed 100/s.
#
#   bench/front_door.sh [seconds per run, default 5] [rounds, default 3] [pgbench -S pairs, default 10]
# Needs make setup (binaries in build/, the extension installed).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
. scripts/lib.sh
secs=${1:-5}
rounds=${2:-3}
pairs=${3:-10}
B=${BUILD:-build}
DSQLCTL=$B/dsl/cli/dsqlctl
FLOOD=$B/bench/front_door_bench
PGBENCH=$PG_BINDIR/pgbench
D=$(mktemp -d /tmp/dsql-front-bench.XXXXXX)
W=$(mktemp -d /tmp/dsql-front-bench-work.XXXXXX)
TD=$(mktemp -d /tmp/dsql-front-bench-trust.XXXXXX)
run=()
if [ "$(id -u)" -eq 0 ]; then ensure_run_user; run=(runuser -u "$DSQL_RUN_USER" --); chown "$DSQL_RUN_USER:" "$TD"; fi
trap '[ -n "${KEEP:-}" ] && exit; "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$TD/data" -m immediate -w stop >/dev/null 2>&1 || true
      "$DSQLCTL" local down --dir "$D" >/dev/null 2>&1 || true; rm -rf "$W" "$D" "$TD"' EXIT

up() { "$DSQLCTL" local up --dir "$D" --quiet --connection-rate 100000 --connection-burst 1000000 >/dev/null; }
up
PORT=$(sed -n 's/^port=//p' "$D/dsqlctl.conf")
NAME=local.dsql.us-east-1.on.aws
CA=$D/ca.crt
su_sql() { "$PG_BINDIR/psql" -X -q -At -h "$D" -p "$PORT" -U postgres -d postgres -c "$1"; }
admin_sql() { "$PG_BINDIR/psql" -X -q -At -h "$D" -p "$PORT" -U admin -d postgres -c "$1"; }

# an IAM principal allowed to connect, a role mapped to it, a role with a password
"$DSQLCTL" iam --dir "$D" create-role BenchRole >/dev/null
"$DSQLCTL" iam --dir "$D" put-policy arn:aws:iam::123456789012:role/BenchRole dsql-connect --document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-1:123456789012:cluster/local"}]}' >/dev/null
"$DSQLCTL" iam --dir "$D" create-access-key arn:aws:iam::123456789012:role/BenchRole >/dev/null
admin_sql "CREATE ROLE bench_app LOGIN"
admin_sql "CALL sys.aws_iam_grant('bench_app', 'arn:aws:iam::123456789012:role/BenchRole')"
su_sql "CREATE ROLE bench_scram LOGIN PASSWORD 'bench-scram-password'"
# pgbench -i empties its tables with TRUNCATE, which strict mode refuses as DSQL does: off for
# the load only (the next `up` turns it on again, so every figure is taken in strict mode)
"$DSQLCTL" local strict off --dir "$D" >/dev/null
PGPASSWORD= "$PGBENCH" -i -q -s 5 -h "$D" -p "$PORT" -U admin postgres >/dev/null 2>&1
"$DSQLCTL" local strict on --dir "$D" >/dev/null
admin_sql "GRANT SELECT ON ALL TABLES IN SCHEMA public TO bench_app, bench_scram"

# PostgreSQL's own TLS on 127.0.0.2:P (bench only), then the hba lines for it
su_sql "ALTER SYSTEM SET listen_addresses = '127.0.0.2'"
"$DSQLCTL" local down --dir "$D" --keep-data >/dev/null
up
{ echo "hostssl all bench_scram 127.0.0.1/32 scram-sha-256  # clients of 127.0.0.2 come from 127.0.0.1"
  echo "hostssl all all         127.0.0.1/32 trust  # a token, with dsql_iam.auth_mode = on"
  cat "$D/data/pg_hba.conf"; } > "$W/hba"
cat "$W/hba" > "$D/data/pg_hba.conf"
su_sql "SELECT pg_reload_conf()" >/dev/null
echo 'SELECT 1;' > "$W/select1.sql"

# The trust server: same binaries and certificate, no dsql_iam, TLS trust on 127.0.0.3.
TPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.3", 0)); print(s.getsockname()[1])')
"${run[@]}" "$PG_BINDIR/initdb" -D "$TD/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
cp "$D/data/server.crt" "$D/data/server.key" "$TD/data/"
if [ "$(id -u)" -eq 0 ]; then chown "$DSQL_RUN_USER:" "$TD/data/server.crt" "$TD/data/server.key"; fi
printf '%s\n' "listen_addresses = '127.0.0.3'" "port = $TPORT" "unix_socket_directories = '$TD'" "ssl = on" \
  "fsync = off" "synchronous_commit = off" "full_page_writes = off" "max_connections = 120" |
  "${run[@]}" tee -a "$TD/data/postgresql.conf" >/dev/null
echo "hostssl all all 127.0.0.1/32 trust" | "${run[@]}" tee -a "$TD/data/pg_hba.conf" >/dev/null
"${run[@]}" "$PG_BINDIR/pg_ctl" -D "$TD/data" -l "$TD/log" -w start >/dev/null
"$PG_BINDIR/psql" -X -q -h "$TD" -p "$TPORT" -U postgres -d postgres -c "CREATE ROLE bench_app LOGIN"
TRUST="host=localhost hostaddr=127.0.0.3 port=$TPORT sslmode=verify-full sslrootcert=$CA dbname=postgres"

# token authentication on (local up's default, said again: the token rows need it)
su_sql "ALTER SYSTEM SET dsql_iam.auth_mode = 'on'"; su_sql "SELECT pg_reload_conf()" >/dev/null; sleep 0.3
token() {
  "$DSQLCTL" token generate --dir "$D" --hostname "$1" --region us-east-1 --expires-in 3600 \
    --principal arn:aws:iam::123456789012:role/BenchRole
}
FRONT="host=$NAME hostaddr=127.0.0.1 port=$PORT sslmode=verify-full sslrootcert=$CA dbname=postgres"
DIRECT="host=localhost hostaddr=127.0.0.2 port=$PORT sslmode=verify-full sslrootcert=$CA dbname=postgres"
tps() {  # conninfo user password pgbench-args... -> tps
  local c=$1 u=$2 p=$3
  shift 3
  { PGPASSWORD=$p "$PGBENCH" -n "$@" "$c user=$u" 2>&1 || true; } | tee -a "$W/pgbench.log" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1
}
avg() { awk '{ s += $1; n++ } END { if (n) printf "%.0f", s / n; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "## Front door (issue 11)"
echo
echo "Command: \`bench/front_door.sh $secs $rounds\` ($(date -u +%Y-%m-%d), $(nproc) cores $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $("$PG_BINDIR/postgres" --version), $(openssl version | cut -d' ' -f1-2))."
echo "Every connection is sslmode=verify-full under the cluster's CA (P-256 certificate, TLS 1.3)."
echo "Front door: 127.0.0.1:$PORT by the name $NAME; PostgreSQL's own TLS: 127.0.0.2:$PORT (bench-only listener)."
echo

echo "### Connection rate (pgbench -C -c 2 -j 2 -T $secs, SELECT 1, $rounds alternating rounds)"
echo
tr=(); sc=(); tk=(); td=()
FT=$(token $NAME); DT=$(token localhost)
for r in $(seq "$rounds"); do
  tr+=("$(tps "$TRUST" bench_app unused -C -T "$secs" -c 2 -j 2 -f "$W/select1.sql")")
  sc+=("$(tps "$DIRECT" bench_scram bench-scram-password -C -T "$secs" -c 2 -j 2 -f "$W/select1.sql")")
  tk+=("$(tps "$FRONT" bench_app "$FT" -C -T "$secs" -c 2 -j 2 -f "$W/select1.sql")")
  td+=("$(tps "$DIRECT" bench_app "$DT" -C -T "$secs" -c 2 -j 2 -f "$W/select1.sql")")
done
t=$(printf '%s\n' "${tr[@]}" | avg); s=$(printf '%s\n' "${sc[@]}" | avg)
k=$(printf '%s\n' "${tk[@]}" | avg); kd=$(printf '%s\n' "${td[@]}" | avg)
echo "| path, authentication | connections/s per round | mean |"
echo "|---|---|---|"
echo "| PostgreSQL's TLS, trust (same binaries and certificate, no dsql_iam) | ${tr[*]} | $t |"
echo "| PostgreSQL's TLS, scram-sha-256 | ${sc[*]} | $s |"
echo "| **front door, IAM token** | ${tk[*]} | **$k** |"
echo "| PostgreSQL's TLS, IAM token (dsql_iam hook, no front door) | ${td[*]} | $kd |"
echo
rt=(); rs=()
for i in $(seq 0 $((rounds - 1))); do rt+=("$(ratio "${tk[$i]}" "${tr[$i]}")"); rs+=("$(ratio "${tk[$i]}" "${sc[$i]}")"); done
echo "front door token / trust = $(ratio "$k" "$t") (means; per round ${rt[*]}; target >= 0.9), / scram-sha-256 = $(ratio "$k" "$s") (per round ${rs[*]}; target >= 1.5); front door / PostgreSQL's TLS, both with tokens = $(ratio "$k" "$kd")."
echo

qs=$(( secs < 3 ? secs : 3 ))
echo "### Per query: pgbench -S (scale 5), PostgreSQL's TLS then the front door, $pairs pairs of $qs s runs"
echo
echo "| protocol, clients | direct tps (median) | front door tps (median) | front door / direct, per pair: median (min-max) |"
echo "|---|---|---|---|"
for proto in simple prepared; do
  for c in 1 4; do
    j=$(( c < 2 ? c : 2 ))
    dd=(); ff=(); rr=()
    for r in $(seq "$pairs"); do
      d=$(tps "$DIRECT" bench_scram bench-scram-password -S -M $proto -T "$qs" -c $c -j $j)
      f=$(tps "$FRONT" bench_app "$FT" -S -M $proto -T "$qs" -c $c -j $j)
      dd+=("$d"); ff+=("$f"); rr+=("$(ratio "$f" "$d")")
    done
    lo=$(printf '%s\n' "${rr[@]}" | sort -g | head -1); hi=$(printf '%s\n' "${rr[@]}" | sort -g | tail -1)
    echo "| $proto, $c | $(printf '%s\n' "${dd[@]}" | median) | $(printf '%s\n' "${ff[@]}" | median) | $(printf '%s\n' "${rr[@]}" | median) ($lo-$hi) |"
  done
done
echo
echo "Target: the front door costs at most 10 % of the TPS (front door / direct >= 0.90)."
echo

echo "### Logins during a flood of stalled clients (front_door_bench: 200 logins in a row, connect + disconnect)"
echo
echo "Stalled clients: \"mix\": a third stop after the TCP connect, a third after the TLS handshake, a third"
echo "at the password prompt (they never answer it); \"prompt\": all at the password prompt (the issue's attack)."
echo "They are opened first and held during the logins; then the bootstrap superuser tries the Unix socket"
echo "(the break-glass path)."
echo
echo "| path | stalled clients | logins | failed | p50 ms | p99 ms | max ms | break-glass during the flood |"
echo "|---|---|---|---|---|---|---|---|"
SU="host=$D port=$PORT user=postgres dbname=postgres connect_timeout=5"
for flood in none mix prompt; do
  n=200; extra=(); [ $flood = none ] && n=0; [ $flood = prompt ] && extra=(--prompt-only)
  printf '| front door, %s ' "$flood"
  "$FLOOD" --port "$PORT" --sni $NAME --stallers $n "${extra[@]}" --logins 200 --conninfo "$FRONT user=bench_app" --password "$FT" --also "$SU"
  sleep 1
done
for flood in none mix prompt; do
  n=200; extra=(); [ $flood = none ] && n=0; [ $flood = prompt ] && extra=(--prompt-only)
  printf "| PostgreSQL's TLS (scram), %s " "$flood"
  "$FLOOD" --addr 127.0.0.2 --port "$PORT" --sni localhost --stallers $n "${extra[@]}" --logins 200 --conninfo "$DIRECT user=bench_scram" --password bench-scram-password --also "$SU"
  sleep 1
done
echo
echo "PostgreSQL: max_connections $(su_sql 'SHOW max_connections') (superuser_reserved_connections $(su_sql 'SHOW superuser_reserved_connections')), authentication_timeout $(su_sql 'SHOW authentication_timeout'); front door: login within 10 s."
