#!/usr/bin/env bash
# Smoke test of `dsqlctl local`: up (twice), status, psql as admin (not superuser),
# sql, down; then nothing of the cluster may be left running and its directory is gone.
# The cluster path holds a space. Also: a forged dsqlctl.conf naming other programs
# and users is ignored, one owned by someone else is refused, a --dir with shell
# characters is refused, and an existing empty directory is kept by down.
# Usage: local_smoke.sh PATH/TO/dsqlctl
# Without the dsql_iam extension installed it first checks that `local up` refuses
# with the documented message, then continues with DSQL_LOCAL_NO_EXTENSION=1.
set -euo pipefail
dsqlctl=$1
base=$(mktemp -d /tmp/dsql-smoke.XXXXXX)
dir="$base/my c"
pid=
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  if [ -f "$base/conf.orig" ] && [ -d "$dir" ]; then rm -f "$dir/dsqlctl.conf"; cp "$base/conf.orig" "$dir/dsqlctl.conf" || true; fi
  "$dsqlctl" local down --dir "$dir" >/dev/null 2>&1 || true
  "$dsqlctl" local down --dir "$base/pre" >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap cleanup EXIT
chmod 755 "$base"   # the run user (dsqlrun when root) must reach $dir

if [ "${DSQL_LOCAL_NO_EXTENSION:-}" != 1 ] &&
   [ ! -f "$("${DSQL_PG_BINDIR:-/usr/lib/postgresql/15/bin}/pg_config" --sharedir)/extension/dsql_iam.control" ]; then
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

# dsqlctl.conf never names a program or a user to run: a forged pg_bindir/run_user
# (in a file that is still ours) is ignored by status, psql, sql and down.
mkdir "$base/evil"
for t in psql pg_ctl postgres; do
  printf '#!/bin/sh\ntouch %s/EVIL\n' "$base" >"$base/evil/$t"; chmod 755 "$base/evil/$t"
done
cp "$dir/dsqlctl.conf" "$base/conf.orig"
printf 'port=%s\npg_bindir=%s\nrun_user=root\n' \
  "$(sed -n 's/^port=//p' "$base/conf.orig")" "$base/evil" >"$dir/dsqlctl.conf"
status_out=$("$dsqlctl" local status --dir "$dir")
grep -q "psql:      .*/bin/psql" <<<"$status_out" && ! grep -q "$base/evil" <<<"$status_out" ||
  fail "status names a psql other than the build's: $status_out"
[ "$("$dsqlctl" local psql --dir "$dir" -- -At -c 'select 42')" = 42 ] || fail "psql with a forged conf"
printf 'select 1;\n' | "$dsqlctl" sql - --dir "$dir" >/dev/null || fail "sql with a forged conf"
[ ! -e "$base/EVIL" ] || fail "a program named by dsqlctl.conf was run"
cp "$base/conf.orig" "$dir/dsqlctl.conf"
if [ "$(id -u)" = 0 ]; then
  # Replaced by the run user (the database server could do that): refused.
  chown "${DSQL_RUN_USER:-dsqlrun}" "$dir/dsqlctl.conf"
  if out=$("$dsqlctl" local status --dir "$dir" 2>&1); then fail "status accepted a conf of the run user"; fi
  grep -q "dsqlctl.conf is owned by ${DSQL_RUN_USER:-dsqlrun}" <<<"$out" || fail "unexpected message: $out"
  chown root "$dir/dsqlctl.conf"
fi

# Shell characters in --dir are refused before anything is created.
if out=$("$dsqlctl" local up --dir "$base/nc-\$(touch $base/INJ)" 2>&1); then fail "up accepted \$(...)"; fi
grep -q 'is not allowed' <<<"$out" || fail "unexpected message: $out"
[ ! -e "$base/INJ" ] && [ -z "$(ls -d "$base"/nc-* 2>/dev/null)" ] || fail "the --dir injection ran or created something"

out=$(printf "select 'sql-ok' as aws; -- AWS IAM GRANT x TO 'y'\n" | "$dsqlctl" sql - --dir "$dir")
grep -q sql-ok <<<"$out" || fail "sql printed: $out"
# COPY ... FROM stdin data (pg_dump style) reaches the server untouched.
{ printf 'CREATE TABLE notes (id int, body text);\nCOPY notes (id, body) FROM stdin;\n'
  printf '1\t%s\n2\t%s\n\\.\n' "it's" "AWS IAM GRANT x TO 'y';"
  printf "SELECT string_agg(body, '|' ORDER BY id) AS bodies FROM notes;\n"; } >"$base/copy.sql"
out=$("$dsqlctl" sql "$base/copy.sql" --dir "$dir") || fail "sql with a COPY block: $out"
grep -qF "it's|AWS IAM GRANT x TO 'y';" <<<"$out" || fail "COPY data changed: $out"
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

# An existing empty directory of ours: used, then emptied but kept by down.
mkdir -m 755 "$base/pre"
"$dsqlctl" local up --dir "$base/pre" --quiet >/dev/null
"$dsqlctl" local down --dir "$base/pre" >/dev/null
[ -d "$base/pre" ] && [ -z "$(ls -A "$base/pre")" ] || fail "down removed or left files in a directory it did not create"
echo "ok: up/status/psql/sql/down in $dir, forged conf ignored or refused, --dir injection refused"
