#!/usr/bin/env bash
# Durability of the dsql_iam mappings, where pg_regress cannot go: a server
# restart, crash recovery (pg_ctl stop -m immediate), and a pg_dumpall of
# one cluster restored into a fresh one.  Also the token length bound of the
# authentication path, which needs the server log.
#
#   tests/regress/durability.sh        (scripts/run-regress.sh runs it)
#
# Needs the extension installed (make -f Makefile.pgxs install).  Each
# cluster is a throwaway one: initdb in a mktemp directory, Unix socket in
# that directory only (listen_addresses = ''), shared_preload_libraries =
# 'dsql_iam'.  As root the servers run as the unprivileged user dsqlrun.
# Prints one TAP line per check ("ok N - ..." / "not ok N - ..."), then the
# plan and a summary line; exits 1 when a check failed.  The servers are
# always stopped, the directory always removed.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"

run=()
if [ "$(id -u)" -eq 0 ]; then
  ensure_run_user
  run=(runuser -u "$DSQL_RUN_USER" --)
fi
for v in PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGOPTIONS PGPASSWORD; do
  unset "$v"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dsql-durability.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown "$DSQL_RUN_USER:" "$work"
chmod 0700 "$work"
cd "$work" || exit 1
port_a=$((20000 + RANDOM % 20000))
port_b=$((port_a + 1))

stop_all() {
  local d
  for d in "$work/a" "$work/b"; do
    if [ -f "$d/postmaster.pid" ]; then
      "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
}
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

n=0
failed=0
check() {  # check "description" command...: ok when the command succeeds
  local desc=$1
  shift
  n=$((n + 1))
  if "$@"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    failed=$((failed + 1))
  fi
}
same() {  # same expected actual: equal strings, else show both
  if [ "$1" == "$2" ]; then return 0; fi
  printf '#   expected: %s\n#   got:      %s\n' "$1" "$2"
  return 1
}
fatal() { echo "Bail out! $*"; exit 1; }

# ---- helpers for a cluster: $1 = a|b ----
port_of() { if [ "$1" = a ]; then echo "$port_a"; else echo "$port_b"; fi; }

new_cluster() {
  "${run[@]}" "$PG_BINDIR/initdb" -D "$work/$1" -A trust -E UTF8 --no-locale \
    >"$work/initdb-$1.log" 2>&1 || { cat "$work/initdb-$1.log"; fatal "initdb $1 failed"; }
  "${run[@]}" tee -a "$work/$1/postgresql.conf" >/dev/null <<EOF
shared_preload_libraries = 'dsql_iam'
listen_addresses = ''
unix_socket_directories = '$work'
port = $(port_of "$1")
fsync = on
EOF
}
start() {
  "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$work/$1" -l "$work/$1.log" -w start >/dev/null \
    || { cat "$work/$1.log"; fatal "server $1 did not start"; }
}
stop() {  # stop a|b fast|immediate
  "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$work/$1" -m "$2" -w stop >/dev/null 2>&1
}
psql_on() {  # psql_on a|b [psql args...]: unaligned, tuples only, quiet
  local c=$1
  shift
  # the bootstrap superuser's sessions pin search_path, as the tooling's do
  "${run[@]}" env PGOPTIONS='-c search_path=pg_catalog' "$PG_BINDIR/psql" -X -q -A -t -h "$work" \
    -p "$(port_of "$c")" -d postgres "$@" 2>&1
}
sqlstate_of() {  # sqlstate_of a|b "statement": the SQLSTATE, or "ok"
  local out state
  out=$(psql_on "$1" -v VERBOSITY=sqlstate -c "$2")
  state=$(printf '%s\n' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\).*/\1/p' | head -1)
  echo "${state:-ok}"
}
# The mappings as the view shows them; "full" includes the role OIDs.
mappings() {
  if [ "${2:-}" = full ]; then
    psql_on "$1" -c "SELECT iam_oid, arn, pg_role_oid, pg_role_name, grantor_pg_role_oid, grantor_pg_role_name
                       FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name" | tr '\n' ';'
  else
    psql_on "$1" -c "SELECT iam_oid, arn, pg_role_name, grantor_pg_role_name
                       FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name" | tr '\n' ';'
  fi
}

# ---- cluster a: the mappings of the seed flow, granted by admin ----
new_cluster a
start a
setup=$(psql_on a -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION dsql_iam;
CREATE ROLE admin LOGIN CREATEROLE;
CREATE ROLE app_readonly LOGIN;
CREATE ROLE app_readwrite LOGIN;
CREATE ROLE "Mixed ""Quoted"" Role" LOGIN;
SET ROLE admin;
CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:user/ci-bot');
CALL sys.aws_iam_grant('app_readwrite', 'arn:aws:iam::123456789012:role/AppReadWriteRole');
CALL sys.aws_iam_grant('app_readwrite', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
CALL sys.aws_iam_grant('Mixed "Quoted" Role', 'arn:aws:iam::123456789012:role/Quoted');
SQL
) || { echo "$setup"; fatal "setup of cluster a failed"; }
before=$(mappings a full)
check "five mappings granted by admin on cluster a" \
  same 5 "$(psql_on a -c "SELECT count(*) FROM sys.iam_pg_role_mappings WHERE grantor_pg_role_name = 'admin'")"

# ---- restart ----
stop a fast || fatal "fast stop of a failed"
start a
check "a clean restart keeps every mapping (same OIDs, iam_oids, grantors)" \
  same "$before" "$(mappings a full)"

# ---- crash recovery: committed work survives, in-flight work does not ----
psql_on a -c "SET ROLE admin" \
  -c "CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/CommittedBeforeCrash')" >/dev/null
psql_on a -c "SET ROLE admin" -c "CALL sys.aws_iam_revoke('app_readonly', 'arn:aws:iam::123456789012:user/ci-bot')" >/dev/null
committed=$(mappings a full)
( psql_on a -c "BEGIN; SET ROLE admin;
                CALL sys.aws_iam_grant('app_readwrite', 'arn:aws:iam::123456789012:role/InFlight');
                SELECT pg_sleep(60);" >/dev/null 2>&1 & )
in_flight=0
for _ in $(seq 1 100); do
  in_flight=$(psql_on a -c "SELECT count(*) FROM pg_stat_activity
                             WHERE query LIKE '%pg_sleep(60)%' AND state = 'active'
                               AND pid <> pg_backend_pid()")
  [ "$in_flight" = 1 ] && break
  sleep 0.1
done
check "an uncommitted grant is in flight when the server crashes" same 1 "$in_flight"
stop a immediate || fatal "immediate stop of a failed"
start a
check "crash recovery keeps the committed grant and revoke, drops the in-flight grant" \
  same "$committed" "$(mappings a full)"
check "after crash recovery DROP ROLE of a mapped role fails with 2BP01" \
  same 2BP01 "$(sqlstate_of a "DROP ROLE app_readonly")"
check "after crash recovery the auth-path read sees the mapping" \
  same "t|f" "$(psql_on a -c "SELECT sys.aws_iam_mapping_exists('app_readonly', 'arn:aws:iam::123456789012:role/CommittedBeforeCrash') || '|' || sys.aws_iam_mapping_exists('app_readwrite', 'arn:aws:iam::123456789012:role/InFlight')" | tr -d '\n' | sed 's/true/t/g; s/false/f/g')"

# ---- pg_dumpall -> fresh cluster -> restore ----
"${run[@]}" "$PG_BINDIR/pg_dumpall" -h "$work" -p "$port_a" -f "$work/dump.sql" \
  || fatal "pg_dumpall failed"
check "pg_dumpall emits one SECURITY LABEL FOR dsql_iam per mapped role" \
  same 3 "$(grep -c '^SECURITY LABEL FOR dsql_iam ON ROLE' "$work/dump.sql")"
source_view=$(mappings a)
stop a fast

new_cluster b
start b
# The setting is needed: without it the labels are refused, loudly.
restore_log=$("${run[@]}" env PGOPTIONS='-c search_path=pg_catalog -c dsql_iam.allow_label_restore=on' \
  "$PG_BINDIR/psql" -X -q -h "$work" -p "$port_b" -d postgres -f "$work/dump.sql" 2>&1)
# The only expected error: CREATE ROLE of the bootstrap superuser, which exists.
unexpected=$(printf '%s\n' "$restore_log" | grep 'ERROR' | grep -v 'role ".*" already exists')
check "psql -f of the dump into a fresh cluster reports no unexpected error" \
  same "" "$unexpected"
check "the restored view has the same mappings (ARNs, roles, iam_oids, grantor admin)" \
  same "$source_view" "$(mappings b)"
check "on the restored cluster DROP ROLE of a mapped role fails with 2BP01" \
  same 2BP01 "$(sqlstate_of b "DROP ROLE \"Mixed \"\"Quoted\"\" Role\"")"
check "on the restored cluster grant, duplicate grant (ignored, as on DSQL), revoke, absent revoke behave" \
  same "ok ok ok 42704" "$(sqlstate_of b "SET ROLE admin; CALL sys.aws_iam_grant('app_readwrite', 'arn:aws:iam::123456789012:user/after-restore')") $(sqlstate_of b "SET ROLE admin; CALL sys.aws_iam_grant('app_readonly', 'arn:aws:iam::123456789012:role/AppReadOnlyRole')") $(sqlstate_of b "SET ROLE admin; CALL sys.aws_iam_revoke('app_readwrite', 'arn:aws:iam::123456789012:role/AppReadOnlyRole')") $(sqlstate_of b "SET ROLE admin; CALL sys.aws_iam_revoke('app_readwrite', 'arn:aws:iam::123456789012:role/AppReadOnlyRole')")"
after_ops=$(mappings b)
# the label statements of the dump (a label spans several lines)
awk '/^SECURITY LABEL FOR dsql_iam/ { on = 1 } on { print } on && /\x27;$/ { on = 0 }' \
  "$work/dump.sql" >"$work/labels.sql"
plain=$("${run[@]}" env PGOPTIONS='-c search_path=pg_catalog' "$PG_BINDIR/psql" -X -q -h "$work" -p "$port_b" \
  -d postgres -f "$work/labels.sql" 2>&1)
check "replaying the dumped labels without dsql_iam.allow_label_restore is refused (42501) and changes nothing" \
  same "3 $after_ops" "$(printf '%s\n' "$plain" | grep -c 'permission denied to set security label') $(mappings b)"

# ---- the token length bound (auth.c): DSQL_TOKEN_MAX_LEN, 8192 bytes, is
# accepted up to the parser; one byte more is refused as too long.  Over TCP
# on 127.0.0.1 (initdb's trust line), where auth_mode on asks for a token.
psql_on b -c "ALTER SYSTEM SET dsql_iam.auth_mode = 'on'" -c "ALTER SYSTEM SET dsql_iam.endpoint = 'localhost'" \
  -c "ALTER SYSTEM SET dsql_iam.cluster_arn = 'arn:aws:dsql:us-east-1:123456789012:cluster/local'" \
  -c "ALTER SYSTEM SET listen_addresses = '127.0.0.1'" >/dev/null
stop b fast
start b
token_reason() {  # token_reason LENGTH: the server's reason for a junk token of that many bytes
  local before token
  before=$(wc -c <"$work/b.log")
  token=$(head -c "$1" /dev/zero | tr '\0' a)
  "${run[@]}" env PGPASSWORD="$token" "$PG_BINDIR/psql" -X -q -w \
    -h 127.0.0.1 -p "$port_b" -d postgres -U app_readonly -c 'SELECT 1' >/dev/null 2>&1
  sleep 0.2
  tail -c +"$((before + 1))" "$work/b.log" | grep -o 'the token is not <host>/?<query>\|the password is longer than [0-9]* bytes' | head -1
}
check "a token of 8192 bytes (DSQL_TOKEN_MAX_LEN) reaches the token parser" \
  same 'the token is not <host>/?<query>' "$(token_reason 8192)"
check "a token of 8189 bytes reaches the token parser" \
  same 'the token is not <host>/?<query>' "$(token_reason 8189)"
check "a token of 8193 bytes is refused as longer than 8192 bytes" \
  same 'the password is longer than 8192 bytes' "$(token_reason 8193)"
stop b fast
stop a fast >/dev/null 2>&1

echo "1..$n"
echo "# durability: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
