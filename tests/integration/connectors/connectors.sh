#!/usr/bin/env bash
# Clients as AWS users run them, against a local cluster's front door, by its
# DSQL-shaped name resolved through /etc/hosts, with sslmode=verify-full under the
# cluster's CA (issue 11, item 2):
#   1. AWS's Aurora DSQL connector for node-postgres (@aws/aurora-dsql-node-postgres-connector,
#      from npm, unmodified) with only AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (a key
#      of the local IAM state), NODE_EXTRA_CA_CERTS and the host: each seed role and
#      admin connect with the connector's own tokens, check their cells of the seed
#      matrix and run the connector's OCC-retrying transaction(); refused with 28000
#      where shared/cases/seed-flow.md says so (no mapping, no DbConnectAdmin, after
#      AWS IAM REVOKE); refused by TLS when the CA is not trusted.
#   2. A token from Debian's python3-botocore (SigV4QueryAuth), then libpq (psql)
#      with sslmode=verify-full.
#   3. libpq (psql) with a token of `dsqlctl token generate`; verify-full against the
#      system's roots fails.
# The bootstrap goes through the endpoint too: the aurora_dsql script (raw AWS IAM
# GRANT) with psql, then the engine's aurora_dsql target.
#
#   connectors.sh DSQLCTL SEED_SPEC PG_BINDIR SOURCE_DIR CACHE_DIR
# Needs root to add the name to /etc/hosts (CI runs as root); otherwise it skips
# (exit 77) unless the line is already there. Node.js: the machine's (scripts/setup.sh
# installs Debian's nodejs and npm where node is missing). npm installs the pinned
# versions of tests/integration/connectors/node/package-lock.json into CACHE_DIR.
set -uo pipefail
DSQLCTL=$1 SEED_SPEC=$2 PG_BINDIR=$3 SRC=$4 CACHE=$5
HERE=$SRC/tests/integration/connectors
ACCOUNT=123456789012
REGION=us-east-1
# 26 characters like a real cluster id (which the connector's host parsing expects),
# and fixed, so that a developer can add its /etc/hosts line once
CLUSTER_ID=nodeconnectortestcluster01
NAME=$CLUSTER_ID.dsql.$REGION.on.aws
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
die() { echo "connectors: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is missing: run scripts/setup.sh (it installs Debian's nodejs and npm)"
command -v npm >/dev/null || die "npm is missing: run scripts/setup.sh (it installs Debian's nodejs and npm)"
added_hosts=0
if ! getent hosts "$NAME" | grep -q '^127\.0\.0\.1'; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: $NAME does not resolve to 127.0.0.1 and adding it to /etc/hosts needs root (CI runs as root)."
    echo "      To run this test as $(id -un): echo '127.0.0.1 $NAME' | sudo tee -a /etc/hosts"
    exit 77
  fi
fi

# --- the connector from npm (pinned versions), cached between runs ---
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
if ! cmp -s "$HERE/node/package-lock.json" "$CACHE/package-lock.json" || [ ! -d "$CACHE/node_modules/@aws/aurora-dsql-node-postgres-connector" ]; then
  cp "$HERE/node/package.json" "$HERE/node/package-lock.json" "$CACHE/"
  echo "npm ci in $CACHE (node $(node --version), npm $(npm --version))"
  (cd "$CACHE" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed: the npm registry must be reachable to install @aws/aurora-dsql-node-postgres-connector"
fi
cp "$HERE/node/probe.mjs" "$CACHE/probe.mjs"
echo "connector $(node -p "require('$CACHE/node_modules/@aws/aurora-dsql-node-postgres-connector/package.json').version"), node $(node --version)"

# --- a cluster named like DSQL, its IAM state, /etc/hosts ---
D=$(mktemp -d /tmp/dsql-connectors.XXXXXX)
cleanup() {
  [ "$added_hosts" = 1 ] && "$DSQLCTL" local hosts --dir "$D" --remove >/dev/null 2>&1
  "$DSQLCTL" local down --dir "$D" >/dev/null 2>&1
  rm -rf "$D"
}
trap cleanup EXIT
"$DSQLCTL" local up --dir "$D" --cluster-id "$CLUSTER_ID" --region "$REGION" --quiet >/dev/null || die "local up failed"
PORT=$(sed -n 's/^port=//p' "$D/dsqlctl.conf")
CA=$D/ca.crt
if ! getent hosts "$NAME" | grep -q '^127\.0\.0\.1'; then
  "$DSQLCTL" local hosts --dir "$D" --add || die "cannot add $NAME to /etc/hosts"
  added_hosts=1
fi
"$SEED_SPEC" policies --account-id $ACCOUNT --region $REGION --cluster-id $CLUSTER_ID 2>/dev/null |
  "$DSQLCTL" iam --dir "$D" sync --policies - >/dev/null || die "iam sync failed"
declare -A AKID SECRET
for principal in DsqlAdminRole AppReadOnlyRole AppReadWriteRole UserServiceRole ReportingRole; do
  out=$("$DSQLCTL" iam --dir "$D" create-access-key "arn:aws:iam::$ACCOUNT:role/$principal") || die "create-access-key failed"
  AKID[$principal]=$(sed -n 's/^AccessKeyId: *//p' <<<"$out")
  SECRET[$principal]=$(sed -n 's/^SecretAccessKey: *//p' <<<"$out")
done
principal_of() {
  case $1 in
    admin) echo DsqlAdminRole ;; app_readonly) echo AppReadOnlyRole ;; app_readwrite) echo AppReadWriteRole ;;
    user_service) echo UserServiceRole ;; reporting_readonly) echo ReportingRole ;;
  esac
}

# psql by the name (resolved through /etc/hosts), verify-full under the cluster's CA
psql_as() {  # user token [psql args...]
  local user=$1 token=$2
  shift 2
  PGPASSWORD=$token PGSSLROOTCERT=$CA "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 \
    "host=$NAME port=$PORT sslmode=verify-full user=$user dbname=postgres connect_timeout=10" "$@"
}
admin_token() {
  "$DSQLCTL" token generate --admin --dir "$D" --hostname "$NAME" --region $REGION \
    --principal "arn:aws:iam::$ACCOUNT:role/DsqlAdminRole"
}

# --- the bootstrap through the endpoint: DSQL's script unchanged, then the engine ---
"$SEED_SPEC" bootstrap --target aurora_dsql --account-id $ACCOUNT 2>/dev/null | psql_as admin "$(admin_token)" -f - >/dev/null &&
  ok "the aurora_dsql bootstrap (raw AWS IAM GRANT) through the endpoint with psql verify-full" ||
  bad "the aurora_dsql bootstrap through the endpoint"
psql_as admin "$(admin_token)" -f "$SRC/dsl/demo/seed_tables.sql" >/dev/null || bad "the seed's tables"
"$SEED_SPEC" apply --target aurora_dsql --dir "$D" --iam-token --principal "arn:aws:iam::$ACCOUNT:role/DsqlAdminRole" >/dev/null &&
  ok "the engine's aurora_dsql target through the endpoint" || bad "the engine's aurora_dsql apply"
n=$(psql_as admin "$(admin_token)" -At -c "SELECT count(*) FROM sys.iam_pg_role_mappings")
[ "$n" = 4 ] && ok "4 IAM mappings" || bad "IAM mappings: $n, expected 4"

# --- 1. AWS's node-postgres connector ---
node_as() {  # principal role mode
  env -i PATH="$PATH" AWS_ACCESS_KEY_ID="${AKID[$1]}" AWS_SECRET_ACCESS_KEY="${SECRET[$1]}" NODE_EXTRA_CA_CERTS="$CA" \
    node "$CACHE/probe.mjs" "$NAME" "$PORT" "$2" "$3"
}
tally() {  # reads probe output: counts ok/FAIL lines
  local line
  while IFS= read -r line; do
    echo "  $line"
    case $line in ok*) pass=$((pass + 1)) ;; FAIL*) fail=$((fail + 1)) ;; esac
  done
}
run_node() {  # principal role mode
  local out rc
  out=$(node_as "$@" 2>&1); rc=$?
  tally <<<"$out"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL' <<<"$out"; then bad "node probe $2 $3 exited $rc"; fi
}
for role in admin app_readonly app_readwrite user_service reporting_readonly; do
  run_node "$(principal_of $role)" $role allowed
done
# seed-flow.md's refusals the connector can produce (28000)
run_node AppReadWriteRole app_readonly refused    # 1: a principal not mapped to the role
run_node AppReadOnlyRole admin refused            # 2/4: no dsql:DbConnectAdmin in its policy
run_node DsqlAdminRole app_readonly refused       # 4: admin's principal has no dsql:DbConnect
# without the CA the connector's own TLS verification refuses the server
out=$(env -i PATH="$PATH" AWS_ACCESS_KEY_ID="${AKID[AppReadOnlyRole]}" AWS_SECRET_ACCESS_KEY="${SECRET[AppReadOnlyRole]}" \
  node "$CACHE/probe.mjs" "$NAME" "$PORT" app_readonly allowed 2>&1)
grep -Eq 'SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self.signed' <<<"$out" &&
  ok "node without NODE_EXTRA_CA_CERTS: the connector's TLS verification refuses the server" ||
  bad "node without the CA: $out"

# --- 2. botocore's token, libpq verify-full ---
now=$(date +%s)
for role in app_readonly admin; do
  p=$(principal_of $role)
  action=DbConnect; [ $role = admin ] && action=DbConnectAdmin
  tok=$(/usr/bin/python3 "$SRC/tests/sigv4/botocore_token.py" token "${AKID[$p]}" "${SECRET[$p]}" - "$NAME" $REGION $action "$now" 900)
  who=$(psql_as $role "$tok" -At -c "SELECT current_user")
  [ "$who" = $role ] && ok "botocore's $action token, psql verify-full: $who" || bad "botocore token as $role: '$who'"
done

# --- 3. libpq with dsqlctl's token; verify-full against the system's roots fails ---
tok=$("$DSQLCTL" token generate --dir "$D" --hostname "$NAME" --region $REGION --principal "arn:aws:iam::$ACCOUNT:role/ReportingRole")
who=$(psql_as reporting_readonly "$tok" -At -c "SELECT current_user || ' ' || current_setting('dsql_iam.front_door')")
[ "$who" = "reporting_readonly on" ] && ok "dsqlctl token, psql verify-full: $who" || bad "dsqlctl token as reporting_readonly: '$who'"
err=$(PGPASSWORD=$tok PGSSLROOTCERT=/etc/ssl/certs/ca-certificates.crt "$PG_BINDIR/psql" -X \
  "host=$NAME port=$PORT sslmode=verify-full user=reporting_readonly dbname=postgres" -c "SELECT 1" 2>&1)
grep -q "certificate verify failed" <<<"$err" && ok "verify-full against the system's roots refuses the local certificate" ||
  bad "verify-full against the system's roots: $err"

# --- seed-flow refusal 6: after AWS IAM REVOKE the connector's login is refused ---
psql_as admin "$(admin_token)" -c "AWS IAM REVOKE app_readonly FROM 'arn:aws:iam::$ACCOUNT:role/AppReadOnlyRole'" >/dev/null &&
  ok "AWS IAM REVOKE through the endpoint" || bad "AWS IAM REVOKE through the endpoint"
run_node AppReadOnlyRole app_readonly refused

echo "connectors: $pass passed, $fail failed"
[ $fail -eq 0 ]
