#!/usr/bin/env bash
# Smoke test of `dsqlctl local`: up (twice), status, psql as admin (not superuser),
# sql, down; then nothing of the cluster may be left running and its directory is gone.
# Usage: local_smoke.sh PATH/TO/dsqlctl
# Without the dsql_iam extension installed it first checks that `local up` refuses
# with the documented message, then continues with DSQL_LOCAL_NO_EXTENSION=1.
set -euo pipefail
dsqlctl=$1
base=$(mktemp -d /tmp/dsql-smoke.XXXXXX)
dir=$base/c
pid=
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  "$dsqlctl" local down --dir "$dir" >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap cleanup EXIT
chmod 755 "$base"   # the run user (dsqlrun when root) must reach $dir

if [ "${DSQL_LOCAL_NO_EXTENSION:-}" != 1 ] &&
   [ ! -f "$(/usr/lib/postgresql/15/bin/pg_config --sharedir)/extension/dsql_iam.control" ]; then
  if out=$("$dsqlctl" local up --dir "$dir" 2>&1); then fail "up succeeded without the extension"; fi
  grep -q 'the dsql_iam extension is not installed' <<<"$out" || fail "unexpected message: $out"
  [ ! -e "$dir/data" ] || fail "initdb ran although the extension is missing"
  echo "note: dsql_iam not installed; continuing with DSQL_LOCAL_NO_EXTENSION=1"
  export DSQL_LOCAL_NO_EXTENSION=1
fi

"$dsqlctl" local up --dir "$dir" --quiet >/dev/null
"$dsqlctl" local up --dir "$dir" --quiet >/dev/null          # idempotent
"$dsqlctl" local status --dir "$dir" >"$base/status" || fail "status after up: exit $?"
pid=$(awk '/pid:/ {print $2}' "$base/status")
[ -n "$pid" ] && kill -0 "$pid" || fail "no live postmaster pid in status"

who=$("$dsqlctl" local psql --dir "$dir" -- -At -c \
      "select current_user || ' ' || rolsuper from pg_roles where rolname = current_user")
[ "$who" = "admin false" ] || fail "admin session: got '$who'"

out=$(printf "select 'sql-ok' as aws; -- AWS IAM GRANT x TO 'y'\n" | "$dsqlctl" sql - --dir "$dir")
grep -q sql-ok <<<"$out" || fail "sql printed: $out"
set +e
printf "select 1/0;\nselect 'not reached';\n" | "$dsqlctl" sql - --dir "$dir" >"$base/sql.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "sql with a failing statement: exit $rc, want psql's 3"
if grep -q 'not reached' "$base/sql.out"; then fail "ON_ERROR_STOP not in effect"; fi

"$dsqlctl" local down --dir "$dir" >/dev/null
if kill -0 "$pid" 2>/dev/null; then fail "postmaster $pid still running after down"; fi
if pgrep -f -- "-D $dir/data" >/dev/null; then fail "postgres processes of $dir still running"; fi
[ ! -e "$dir" ] || fail "$dir still exists after down"
set +e
"$dsqlctl" local status --dir "$dir" >/dev/null
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "status after down: exit $rc, want 3"
"$dsqlctl" local down --dir "$dir" >/dev/null || fail "down of a missing dir must exit 0"
echo "ok: up/status/psql/sql/down in $dir"
