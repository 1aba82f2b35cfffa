#!/usr/bin/env bash
# The seed flow end to end on a throwaway PostgreSQL 15 with dsql_iam (README's first
# command runs this after set-up), reached as applications reach Aurora DSQL: the
# cluster's front door on 127.0.0.1 under its DSQL-shaped name local.dsql.us-east-1.on.aws,
# TLS with sslmode=verify-full under the cluster's own CA, the role as user name, a
# DSQL token (SigV4) signed for that name as password; strict mode on throughout (the
# cluster refuses what Aurora DSQL refuses). Steps:
#   1. dsqlctl local up            a fresh cluster in a temp dir (admin: not superuser),
#                                  strict mode on (Aurora DSQL's SQL rules, ruleset 2026.09);
#      dsqlctl iam sync            the seed's IAM principals, their DbConnect /
#                                  DbConnectAdmin policies and keys (local IAM state)
#   2. the seed's own SQL          run as written with dsqlctl sql as admin: it stops where
#                                  DSQL stops it (its '*' account is no IAM ARN; with the
#                                  account filled in, GRANT USAGE ON SCHEMA public: 0A000)
#   3. seed-spec bootstrap         the seed spec (dsl/examples/seed.hpp) rendered for
#                                  aurora_dsql: the very script one would run on DSQL
#   4. psql -f bootstrap.sql       sent unchanged as admin through the endpoint with a
#                                  DbConnectAdmin token: the front door takes DSQL's
#                                  dialect (AWS IAM GRANT) on the wire, strict mode
#                                  accepts every statement
#   5. the seed's two tables       created by admin after the grants, as the seed does
#   6. seed-spec apply             the engine (target aurora_dsql), over the endpoint with a
#                                  DbConnectAdmin token it signs (--iam-token): plan (drift
#                                  gate: exit 3), apply (prints the plan it applied: the
#                                  grants on the new tables), plan again (exit 0)
#   7. apply a third time          catalogs dumped before and after must be identical
#   8. seed-flow matrix            connect AS each role with a DbConnect token signed by
#                                  its IAM principal and probe every cell dsql::testing
#                                  derives from the seed spec and the catalog (seed-flow.md's
#                                  own cells checked against them)
#   9. dsqlctl local down          nothing left running
# Exits non-zero on any error or any unexpected cell.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BUILD=${BUILD:-build}
DSQLCTL=$BUILD/dsl/cli/dsqlctl
SEED_SPEC=$BUILD/dsl/examples/seed-spec
SEED_FLOW=$BUILD/dsl/demo/seed-flow
for b in "$DSQLCTL" "$SEED_SPEC" "$SEED_FLOW"; do
  [ -x "$b" ] || die "$b is missing: run 'make setup' first"
done
ACCOUNT_ID=${DSQL_ACCOUNT_ID:-123456789012}
PORT_ARG=()
[ -n "${DSQL_DEMO_PORT:-}" ] && PORT_ARG=(--port "$DSQL_DEMO_PORT")

CLUSTER=$(mktemp -d /tmp/dsql-demo.XXXXXX)
WORK=$(mktemp -d /tmp/dsql-demo-work.XXXXXX)
STEP="0. starting"
step() { STEP=$1; say "$1"; }
# On success the cluster is stopped and removed (step 8). On failure it is kept,
# running, with the scripts, so that what went wrong can be looked at.
on_exit() {
  local rc=$?
  [ "$rc" -eq 0 ] && { rm -rf "$WORK"; return; }
  printf '\n\033[1;31mdemo failed at step %s (exit %d)\033[0m\n' "$STEP" "$rc" >&2
  if [ -f "$CLUSTER/dsqlctl.conf" ]; then
    cat >&2 <<EOF
The cluster is kept for inspection:
  server log:   $CLUSTER/server.log
  scripts:      $WORK/ (bootstrap.sql, outputs)
  connect:      $DSQLCTL local psql --dir $CLUSTER
  stop/remove:  $DSQLCTL local down --dir $CLUSTER
EOF
  fi
}
trap on_exit EXIT

step "1. starting a throwaway PostgreSQL 15 with dsql_iam in $CLUSTER (strict mode on)"
"$DSQLCTL" local up --dir "$CLUSTER" "${PORT_ARG[@]}"
PORT=$(sed -n 's/^port=//p' "$CLUSTER/dsqlctl.conf")
say "   the seed's IAM principals, policies and keys (dsqlctl iam sync)"
"$SEED_SPEC" policies --account-id "$ACCOUNT_ID" --region us-east-1 --cluster-id local 2>/dev/null |
  "$DSQLCTL" iam --dir "$CLUSTER" sync --policies - | sed 's/^/    /'

NAME=$(sed -n 's/^cluster_id=//p' "$CLUSTER/dsqlctl.conf").dsql.us-east-1.on.aws
# psql as admin on the emulated endpoint, as on DSQL: the cluster's name (hostaddr
# instead of /etc/hosts), verify-full under its CA, a fresh DbConnectAdmin token.
admin_psql() {
  PGPASSWORD=$("$DSQLCTL" token generate --admin --dir "$CLUSTER" --hostname "$NAME" --region us-east-1 \
                 --principal "arn:aws:iam::$ACCOUNT_ID:role/DsqlAdminRole") \
  "$PG_BINDIR/psql" -X "host=$NAME hostaddr=127.0.0.1 port=$PORT sslmode=verify-full sslrootcert=$CLUSTER/ca.crt user=admin dbname=postgres" "$@"
}
# A DSQL-dialect file applied as admin through the endpoint, unchanged.
apply_sql() {
  admin_psql -q -v ON_ERROR_STOP=1 -f "$1"
}

step "2. the seed's own SQL (../shared/seed), run as written with dsqlctl sql as admin on the strict cluster"
# psql as admin on the Unix socket (dsqlctl sql), errors with their SQLSTATE
seed_sql() {
  set +e
  scripts/seed-sql.sh "$@" | "$DSQLCTL" sql - --dir "$CLUSTER" > "$WORK/seed-sql.out" 2>&1
  local rc=$?
  set -e
  sed 's/^/    /' "$WORK/seed-sql.out"
  [ "$rc" -eq 3 ] || die "the seed's SQL was expected to stop at a refused statement (psql exit 3), got $rc"
}
echo "    as written (its ARNs say '*' for the account):"
seed_sql
grep -q "ERROR:  IAM role must look like an IAM ARN" "$WORK/seed-sql.out" ||
  die "the seed's SQL did not stop at its first AWS IAM GRANT"
echo "    -> stopped at its first AWS IAM GRANT, as DSQL would: '*' is not an account"
for role in app_readonly app_readwrite user_service; do   # the three roles it created
  admin_psql -q -c "DROP ROLE $role"
done
echo "    with the account filled in ($ACCOUNT_ID), on a fresh start:"
seed_sql --account-id "$ACCOUNT_ID"
grep -q "ERROR:  feature not supported on system entity" "$WORK/seed-sql.out" ||
  die "the seed's SQL did not stop at GRANT USAGE ON SCHEMA public"
# the same statement once more, to show its SQLSTATE as a client receives it
refusal=$(admin_psql -q -v VERBOSITY=verbose -c 'GRANT USAGE ON SCHEMA public TO app_readonly' 2>&1 | head -1 || true)
echo "    -> stopped at GRANT USAGE ON SCHEMA public (${refusal#ERROR:  }), as on a real cluster"
echo "       (the roles, their IAM mappings and users_schema it created stay: the bootstrap below takes it from there)"

step "3. rendering the seed spec for aurora_dsql (account $ACCOUNT_ID)"
echo "    The seed's roles, as declared in C++ (dsl/examples/seed.hpp):"
"$SEED_SPEC" matrix --account-id "$ACCOUNT_ID" 2>/dev/null | sed 's/^/    /'
echo "    The bootstrap's statements (each guarded and in its own transaction):"
"$SEED_SPEC" bootstrap --target aurora_dsql --account-id "$ACCOUNT_ID" > "$WORK/bootstrap.sql"
grep -E '^(CREATE|GRANT|AWS IAM)' "$WORK/bootstrap.sql" | sed 's/^/    /'

step "4. applying the bootstrap as admin through the endpoint ($NAME, verify-full, strict mode): AWS IAM GRANT on the wire"
apply_sql "$WORK/bootstrap.sql"
echo "    applied: $(admin_psql -At -c \
  "SELECT count(*) FROM pg_roles WHERE rolname IN ('app_readonly','app_readwrite','user_service','reporting_readonly')") roles, $(admin_psql -At -c \
  'SELECT count(*) FROM sys.iam_pg_role_mappings') IAM mappings"

step "5. creating the seed's tables as admin, after the grants (as the seed does)"
apply_sql dsl/demo/seed_tables.sql

reach() {
  admin_psql -At -c "SELECT has_table_privilege('app_readonly', 'public.products', 'SELECT')"
}
echo "    app_readonly may read public.products now? $(reach)  (the grant ran before the table existed)"
step "6. the engine's apply (seed-spec apply = dsql::main<seed::spec>) as admin through the endpoint: the plan it applied"
# The engine connects like psql above (the endpoint's name, verify-full under the
# cluster's CA, a DbConnectAdmin token as password) but signs the token itself:
# --iam-token with the admin principal's key.
engine() {
  "$SEED_SPEC" "$@" --target aurora_dsql --account-id "$ACCOUNT_ID" --dir "$CLUSTER" \
    --iam-token --principal "arn:aws:iam::$ACCOUNT_ID:role/DsqlAdminRole"
}
# plan --exit-code is the drift gate: 3 = the new tables lack the spec's grants
set +e
engine plan --exit-code > "$WORK/drift.txt"
rc=$?
set -e
[ "$rc" -eq 3 ] || { cat "$WORK/drift.txt"; die "plan --exit-code returned $rc before the apply (expected 3)"; }
engine apply | sed 's/^/    /'
engine plan --exit-code > "$WORK/after-apply.txt" ||
  { cat "$WORK/after-apply.txt"; die "the plan is not empty after the engine's apply"; }
echo "    plan --exit-code after the apply: 0 ($(cat "$WORK/after-apply.txt"))"
echo "    app_readonly may read public.products now? $(reach)"

step "7. applying a third time: must print nothing and change nothing"
dump() {
  "$PG_BINDIR/pg_dumpall" -h "$CLUSTER" -p "$PORT" -U postgres --schema-only --no-comments --restrict-key=dsqlrolesdemo
}
dump > "$WORK/before.sql"
apply_sql "$WORK/bootstrap.sql" > "$WORK/third.out" 2>&1
dump > "$WORK/after.sql"
if [ -s "$WORK/third.out" ]; then
  cat "$WORK/third.out"; die "the third apply printed output (expected none)"
fi
if ! diff -u "$WORK/before.sql" "$WORK/after.sql"; then
  die "the third apply changed the catalogs (diff above)"
fi
echo "    idempotent: no output, pg_dumpall --schema-only identical before and after ($(wc -l < "$WORK/after.sql") lines)"

say "   IAM mappings (sys.iam_pg_role_mappings)"
admin_psql -c 'SELECT arn, pg_role_name, grantor_pg_role_name FROM sys.iam_pg_role_mappings ORDER BY pg_role_name'

step "8. connecting as each role to $NAME (verify-full) with its IAM principal's DbConnect token (no SET ROLE) and probing the matrix"
"$SEED_FLOW" matrix --iam-dir "$CLUSTER"

step "9. stopping the cluster"
"$DSQLCTL" local down --dir "$CLUSTER"
rmdir "$CLUSTER"   # made by mktemp above; dsqlctl leaves directories it did not create
say "seed flow: every cell as expected"
