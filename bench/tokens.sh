#!/usr/bin/env bash
# Token authentication figures (issue 6), printed as Markdown for bench/RESULTS.md:
#   1. token_bench (Google Benchmark): sign, verify, verify with the IAM state read
#   2. the signer side by side with botocore's SigV4QueryAuth presign (same machine,
#      same run): tokens per second each, and the ratio
#   3. connection rate, pgbench -C over TLS on 127.0.0.1 (the emulated endpoint of
#      `dsqlctl local up`), rounds alternating trust, scram-sha-256 and token
#      (auth_mode on, a DbConnect token as the password). dsql_iam.auth_mode = off
#      closes TCP trust lines, so "trust" is a second server of the same binaries
#      without dsql_iam, with the same TLS certificate and settings, side by side
#      and the same three without TLS (sslmode=disable, bench-only hba lines) to show
#      the authentication cost apart from the TLS handshake
#   4. the token rate again with 10,000 mappings in the cluster (vs the seed's 4-10)
#
#   bench/tokens.sh [seconds per pgbench run, default 5] [rounds, default 3]
# Needs make setup (binaries in build/, the extension installed).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
. scripts/lib.sh
secs=${1:-5}
rounds=${2:-3}
B=${BUILD:-build}
DSQLCTL=$B/dsl/cli/dsqlctl
SEED_SPEC=$B/dsl/examples/seed-spec
PGBENCH=$PG_BINDIR/pgbench
D=$(mktemp -d /tmp/dsql-token-bench.XXXXXX)
W=$(mktemp -d /tmp/dsql-token-bench-work.XXXXXX)
TD=$(mktemp -d /tmp/dsql-token-bench-trust.XXXXXX)
run=()
if [ "$(id -u)" -eq 0 ]; then ensure_run_user; run=(runuser -u "$DSQL_RUN_USER" --); chown "$DSQL_RUN_USER:" "$TD"; fi
trap '"${run[@]}" "$PG_BINDIR/pg_ctl" -D "$TD/data" -m immediate -w stop >/dev/null 2>&1 || true
      "$DSQLCTL" local down --dir "$D" >/dev/null 2>&1 || true; rm -rf "$W" "$TD"' EXIT

"$DSQLCTL" local up --dir "$D" --quiet >/dev/null
PORT=$(sed -n 's/^port=//p' "$D/dsqlctl.conf")
"$SEED_SPEC" policies --account-id 123456789012 --region us-east-1 --cluster-id local 2>/dev/null |
  "$DSQLCTL" iam --dir "$D" sync --policies - >/dev/null
"$SEED_SPEC" bootstrap --target aurora_dsql --account-id 123456789012 2>/dev/null | "$DSQLCTL" sql - --dir "$D" >/dev/null
# the bootstrap superuser's sessions pin search_path (admin owns schema public)
su_sql() { PGOPTIONS='-c search_path=pg_catalog' "$PG_BINDIR/psql" -X -q -At -h "$D" -p "$PORT" -U postgres -d postgres -c "$1"; }
su_sql "CREATE ROLE bench_scram LOGIN PASSWORD 'bench-scram-password'"
# scram for bench_scram, before the trust line the hook takes over
data=$D/data
# (bench only) the same methods without TLS: host lines before the final rejects
{ echo "hostssl all bench_scram 127.0.0.1/32 scram-sha-256"
  echo "hostnossl all bench_scram 127.0.0.1/32 scram-sha-256"
  echo "hostnossl all all 127.0.0.1/32 trust"
  cat "$data/pg_hba.conf"; } > "$W/hba"
cat "$W/hba" > "$data/pg_hba.conf"
su_sql "SELECT pg_reload_conf()" >/dev/null
echo 'SELECT 1;' > "$W/select1.sql"

# The trust server: same binaries and certificate, no dsql_iam, TLS trust on 127.0.0.1.
TPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${run[@]}" "$PG_BINDIR/initdb" -D "$TD/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
cp "$data/server.crt" "$data/server.key" "$TD/data/"
if [ "$(id -u)" -eq 0 ]; then chown "$DSQL_RUN_USER:" "$TD/data/server.crt" "$TD/data/server.key"; fi
printf '%s\n' "listen_addresses = '127.0.0.1'" "port = $TPORT" "unix_socket_directories = '$TD'" "ssl = on" \
  "fsync = off" "synchronous_commit = off" "full_page_writes = off" |
  "${run[@]}" tee -a "$TD/data/postgresql.conf" >/dev/null
"${run[@]}" "$PG_BINDIR/pg_ctl" -D "$TD/data" -l "$TD/log" -w start >/dev/null
"$PG_BINDIR/psql" -X -q -h "$TD" -p "$TPORT" -U postgres -d postgres -c "CREATE ROLE app_readonly LOGIN"

token() {
  "$DSQLCTL" token generate --dir "$D" --hostname localhost --region us-east-1 --expires-in 3600 \
    --principal arn:aws:iam::123456789012:role/AppReadOnlyRole
}
SSLMODE=require
RPORT=$PORT
rate() {  # user password -> connections per second (on port $RPORT)
  PGHOST=localhost PGHOSTADDR=127.0.0.1 PGPORT=$RPORT PGSSLMODE=$SSLMODE PGDATABASE=postgres PGUSER=$1 PGPASSWORD=$2 \
    "$PGBENCH" -n -C -T "$secs" -c 2 -j 2 -f "$W/select1.sql" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1
}
avg() { awk '{ s += $1; n++ } END { if (n) printf "%.0f", s / n; else print "n/a" }'; }

echo "## Token authentication (issue 6)"
echo
echo "Command: \`bench/tokens.sh $secs $rounds\` ($(date -u +%Y-%m-%d), $(nproc) cores $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $("$PG_BINDIR/postgres" --version))."
echo
echo "### Signing and verification (token_bench, Google Benchmark)"
echo
echo '```'
"$B/bench/token_bench" --benchmark_min_time=1 2>/dev/null | sed -n '/^BM_/p'
echo '```'
ours_ns=$("$B/bench/token_bench" --benchmark_filter=BM_sign --benchmark_min_time=2 --benchmark_format=csv 2>/dev/null |
  awk -F, '/BM_sign/ { print $3 }')
boto=$(/usr/bin/python3 tests/sigv4/botocore_token.py bench 20000)
ours=$(awk -v ns="$ours_ns" 'BEGIN { printf "%.0f", 1e9 / ns }')
echo
echo "Signer side by side: ours $ours tokens/s (dsql_token_generate, $(printf %.0f "$ours_ns") ns), botocore $boto tokens/s"
echo "(SigV4QueryAuth presign of GET https://host/?Action=DbConnect, Debian python3-botocore, 20,000 tokens): ratio $(awk -v a="$ours" -v b="$boto" 'BEGIN { printf "%.1f", a / b }')x."
echo
echo "### Connection rate (pgbench -C -c 2 -j 2 -T $secs, SELECT 1, TLS on 127.0.0.1, $rounds alternating rounds)"
echo
tr=(); sc=(); tk=()
for r in $(seq "$rounds"); do
  tr+=("$(RPORT=$TPORT rate app_readonly unused)")
  sc+=("$(rate bench_scram bench-scram-password)")
  tk+=("$(rate app_readonly "$(token)")")
done
t=$(printf '%s\n' "${tr[@]}" | avg); s=$(printf '%s\n' "${sc[@]}" | avg); k=$(printf '%s\n' "${tk[@]}" | avg)
echo "| auth | connections/s per round | mean |"
echo "|---|---|---|"
echo "| trust (same binaries, no dsql_iam) | ${tr[*]} | $t |"
echo "| scram-sha-256 | ${sc[*]} | $s |"
echo "| token (auth_mode on) | ${tk[*]} | $k |"
echo
echo "token / trust = $(awk -v a="$k" -v b="$t" 'BEGIN { printf "%.2f", a / b }'), token / scram = $(awk -v a="$k" -v b="$s" 'BEGIN { printf "%.2f", a / b }')."
echo
echo "### The same without TLS (sslmode=disable; bench-only hostnossl lines)"
echo
SSLMODE=disable
ntr=(); nsc=(); ntk=()
for r in $(seq "$rounds"); do
  ntr+=("$(RPORT=$TPORT rate app_readonly unused)")
  nsc+=("$(rate bench_scram bench-scram-password)")
  ntk+=("$(rate app_readonly "$(token)")")
done
nt=$(printf '%s\n' "${ntr[@]}" | avg); ns=$(printf '%s\n' "${nsc[@]}" | avg); nk=$(printf '%s\n' "${ntk[@]}" | avg)
echo "| auth | connections/s per round | mean |"
echo "|---|---|---|"
echo "| trust (same binaries, no dsql_iam) | ${ntr[*]} | $nt |"
echo "| scram-sha-256 | ${nsc[*]} | $ns |"
echo "| token (auth_mode on) | ${ntk[*]} | $nk |"
echo
echo "token / trust = $(awk -v a="$nk" -v b="$nt" 'BEGIN { printf "%.2f", a / b }'), token / scram = $(awk -v a="$nk" -v b="$ns" 'BEGIN { printf "%.2f", a / b }')."
echo
SSLMODE=require
# 10,000 mappings: one role each, mapped to its own ARN (as admin, through the socket)
maps_before=$(su_sql "SELECT count(*) FROM sys.iam_pg_role_mappings")
# the principals must exist in the local IAM state (sys.aws_iam_grant checks): bulk insert
/usr/bin/python3 - "$D/iam.sqlite" "$((10000 - maps_before))" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
with db:
    db.executemany("INSERT INTO principals (id, arn, kind, created_at) VALUES (?, ?, 'role', ?)",
                   [("AROABENCH%013d" % i, "arn:aws:iam::123456789012:role/BenchRole%d" % i, int(time.time()))
                    for i in range(1, int(sys.argv[2]) + 1)])
PY
su_sql "SET ROLE admin; DO \$\$ BEGIN FOR i IN 1..$((10000 - maps_before)) LOOP
  EXECUTE format('CREATE ROLE bench_m%s LOGIN', i);
  CALL sys.aws_iam_grant(format('bench_m%s', i), format('arn:aws:iam::123456789012:role/BenchRole%s', i)); END LOOP; END \$\$" >/dev/null
maps_after=$(su_sql "SELECT count(*) FROM sys.iam_pg_role_mappings")
tr2=(); tk2=()
for r in $(seq "$rounds"); do
  tr2+=("$(RPORT=$TPORT rate app_readonly unused)")
  tk2+=("$(rate app_readonly "$(token)")")
done
t2=$(printf '%s\n' "${tr2[@]}" | avg); k2=$(printf '%s\n' "${tk2[@]}" | avg)
echo "### Token connection rate with $maps_before vs $maps_after mappings"
echo
echo "| mappings | trust connections/s | token connections/s | token / trust |"
echo "|---|---|---|---|"
echo "| $maps_before | ${tr[*]} (mean $t) | ${tk[*]} (mean $k) | $(awk -v a="$k" -v b="$t" 'BEGIN { printf "%.2f", a / b }') |"
echo "| $maps_after | ${tr2[*]} (mean $t2) | ${tk2[*]} (mean $k2) | $(awk -v a="$k2" -v b="$t2" 'BEGIN { printf "%.2f", a / b }') |"
echo
echo "token rate at $maps_after mappings / at $maps_before: $(awk -v a="$k2" -v b="$k" 'BEGIN { printf "%.3f", a / b }')."
