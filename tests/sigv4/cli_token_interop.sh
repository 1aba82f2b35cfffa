#!/usr/bin/env bash
# `dsqlctl token generate` (environment credentials, fixed --time) prints exactly the
# token Debian's python3-botocore presigns for the same key and time; also with a
# session token and with a key of the local IAM state. Usage: cli_token_interop.sh DSQLCTL
set -euo pipefail
DSQLCTL=$1
PY="/usr/bin/python3 $(dirname "$0")/botocore_token.py"
fail=0
check() {  # name ours theirs
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1"; echo "  ours:   $2"; echo "  theirs: $3"; fail=1; fi
}
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
unset AWS_SESSION_TOKEN AWS_PROFILE
H=abc123.dsql.us-east-1.on.aws
check "DbConnect from environment credentials" \
  "$($DSQLCTL token generate --hostname $H --region us-east-1 --time 1764410000)" \
  "$($PY token $AWS_ACCESS_KEY_ID "$AWS_SECRET_ACCESS_KEY" - $H us-east-1 DbConnect 1764410000 900)"
check "DbConnectAdmin, 7 days, session token" \
  "$(AWS_SESSION_TOKEN='IQoJb3+/=' $DSQLCTL token generate --admin --hostname $H --region eu-west-1 --expires-in 604800 --time 1764410000)" \
  "$($PY token $AWS_ACCESS_KEY_ID "$AWS_SECRET_ACCESS_KEY" 'IQoJb3+/=' $H eu-west-1 DbConnectAdmin 1764410000 604800)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/credentials" <<CRED
[default]
aws_access_key_id = AKIAWRONGWRONGWRONG1
aws_secret_access_key = nope
[dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CRED
check "profile from the shared credentials file" \
  "$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials $DSQLCTL token generate --profile dev --hostname $H --region us-east-1 --time 1764410000)" \
  "$($PY token $AWS_ACCESS_KEY_ID "$AWS_SECRET_ACCESS_KEY" - $H us-east-1 DbConnect 1764410000 900)"
S="--state $tmp/iam.sqlite"
$DSQLCTL iam $S create-role AppReadOnlyRole >/dev/null
out=$($DSQLCTL iam $S create-access-key arn:aws:iam::123456789012:role/AppReadOnlyRole)
akid=$(sed -n 's/^AccessKeyId: *//p' <<<"$out"); secret=$(sed -n 's/^SecretAccessKey: *//p' <<<"$out")
check "key of the local IAM state (--principal)" \
  "$(env -u AWS_ACCESS_KEY_ID $DSQLCTL token generate $S --principal arn:aws:iam::123456789012:role/AppReadOnlyRole --hostname $H --region us-east-1 --time 1764410000)" \
  "$($PY token "$akid" "$secret" - $H us-east-1 DbConnect 1764410000 900)"
exit $fail
