#!/usr/bin/env bash
# botocore (Debian's python3-botocore) calls `dsqlctl sts serve`: GetCallerIdentity,
# AssumeRole (allowed, refused by the trust policy, an ExternalId condition, badly signed,
# unknown key) and AssumeRoleWithWebIdentity with a token of the local OIDC issuer; and
# `dsqlctl iam simulate --role` agrees with it beforehand. Proves the local STS
# speaks STS's protocol as AWS's SDKs expect it. Usage: sts_botocore_interop.sh DSQLCTL
set -euo pipefail
DSQLCTL=$1
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
S="--state $tmp/iam.sqlite"
ACCOUNT=123456789012
$DSQLCTL iam $S create-user alice >/dev/null
$DSQLCTL iam $S create-role App >/dev/null
$DSQLCTL iam $S create-role Other >/dev/null
out=$($DSQLCTL iam $S create-access-key arn:aws:iam::$ACCOUNT:user/alice)
akid=$(sed -n 's/^AccessKeyId: *//p' <<<"$out"); secret=$(sed -n 's/^SecretAccessKey: *//p' <<<"$out")
provider=$($DSQLCTL iam $S create-oidc-provider https://oidc.local/ci --client-ids dsql-app)
$DSQLCTL iam $S put-trust-policy arn:aws:iam::$ACCOUNT:role/App --document "{\"Version\":\"2012-10-17\",\"Statement\":[
  {\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:user/alice\"},\"Action\":\"sts:AssumeRole\"},
  {\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"$provider\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",
   \"Condition\":{\"StringEquals\":{\"oidc.local/ci:aud\":\"dsql-app\"}}}]}"
$DSQLCTL iam $S put-trust-policy arn:aws:iam::$ACCOUNT:role/Other --document \
  '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}'
$DSQLCTL iam $S create-role Vendor >/dev/null
$DSQLCTL iam $S put-trust-policy arn:aws:iam::$ACCOUNT:role/Vendor --document \
  '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-123"},"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}'
jwt=$($DSQLCTL iam $S oidc-token "$provider" --sub repo:app --aud dsql-app --expires-in 300)

# `iam simulate --role` answers as the local STS will (the same evaluator)
sim() {  # expected-exit args...
  local want=$1 got=0; shift
  $DSQLCTL iam $S simulate "$@" >"$tmp/sim" || got=$?
  if [ "$got" = "$want" ]; then echo "ok   simulate $* -> $(cat "$tmp/sim")"; else echo "FAIL simulate $*: exit $got: $(cat "$tmp/sim")"; exit 1; fi
}
sim 0 --role arn:aws:iam::$ACCOUNT:role/App --principal arn:aws:iam::$ACCOUNT:user/alice
sim 3 --role arn:aws:iam::$ACCOUNT:role/Other --principal arn:aws:iam::$ACCOUNT:user/alice
sim 3 --role arn:aws:iam::$ACCOUNT:role/Vendor --principal arn:aws:iam::$ACCOUNT:user/alice
sim 0 --role arn:aws:iam::$ACCOUNT:role/Vendor --principal arn:aws:iam::$ACCOUNT:user/alice --external-id x-123
sim 3 --role arn:aws:iam::$ACCOUNT:role/Vendor --principal arn:aws:iam::$ACCOUNT:user/alice --external-id x-123 --source-ip 10.0.0.1
sim 0 --role arn:aws:iam::$ACCOUNT:role/App --web-identity "$provider" --sub repo:app
sim 3 --role arn:aws:iam::$ACCOUNT:role/App --web-identity "$provider" --sub repo:app --aud other

$DSQLCTL sts serve $S --port 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^local STS listening on //p' "$tmp/out")
[ -n "$url" ] || { echo "FAIL the local STS did not start"; cat "$tmp/err"; exit 1; }

set +e
/usr/bin/python3 - "$url" "$akid" "$secret" "$jwt" <<'PY'
import sys
import botocore.session
from botocore.exceptions import ClientError
url, akid, secret, jwt = sys.argv[1:5]
session = botocore.session.get_session()
def client(**kw):
    return session.create_client("sts", region_name="us-east-1", endpoint_url=url, **kw)
fail = 0
def check(name, ok, detail=""):
    global fail
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))
    fail |= not ok
def error_code(call):
    try:
        call()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]
alice = client(aws_access_key_id=akid, aws_secret_access_key=secret)
me = alice.get_caller_identity()
check("GetCallerIdentity names the user", me["Arn"] == "arn:aws:iam::123456789012:user/alice" and me["Account"] == "123456789012", me)
r = alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/App", RoleSessionName="interop", DurationSeconds=900)
c = r["Credentials"]
check("AssumeRole issues an ASIA key with a session token", c["AccessKeyId"].startswith("ASIA") and len(c["SessionToken"]) > 20, c["AccessKeyId"])
check("AssumeRole answers AssumedRoleUser", r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/App/interop", r["AssumedRoleUser"])
role = client(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
check("the temporary key is the role session", role.get_caller_identity()["Arn"] == "arn:aws:sts::123456789012:assumed-role/App/interop")
check("a role without trust in alice is refused", error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/Other", RoleSessionName="xx")) == "AccessDenied")
check("ExternalId reaches the trust policy's condition", error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/Vendor", RoleSessionName="v1", ExternalId="x-123")) is None)
check("a wrong or missing ExternalId is refused", error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/Vendor", RoleSessionName="v1", ExternalId="x-999")) == "AccessDenied" and error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/Vendor", RoleSessionName="v1")) == "AccessDenied")
check("a role that does not exist is refused alike", error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/Nope", RoleSessionName="xx")) == "AccessDenied")
check("a wrong secret does not sign", error_code(lambda: client(aws_access_key_id=akid, aws_secret_access_key="wrong").get_caller_identity()) == "SignatureDoesNotMatch")
check("an unknown key is refused", error_code(lambda: client(aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="x").get_caller_identity()) == "InvalidClientTokenId")
check("the session token must come with the temporary key", error_code(lambda: client(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"]).get_caller_identity()) == "InvalidClientTokenId")
check("a duration beyond 12 hours is a validation error", error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/App", RoleSessionName="xx", DurationSeconds=50000)) == "ValidationError")
import botocore.config
check("a session policy is refused, not ignored", error_code(lambda: alice.assume_role(RoleArn="arn:aws:iam::123456789012:role/App", RoleSessionName="xx", Policy='{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')) == "ValidationError")
anon = session.create_client("sts", region_name="us-east-1", endpoint_url=url, config=botocore.config.Config(signature_version=botocore.UNSIGNED))
w = anon.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/App", RoleSessionName="ci", WebIdentityToken=jwt)
check("AssumeRoleWithWebIdentity with the local issuer's token", w["SubjectFromWebIdentityToken"] == "repo:app" and w["Credentials"]["AccessKeyId"].startswith("ASIA"), w.get("SubjectFromWebIdentityToken"))
check("a forged web identity token is refused", error_code(lambda: anon.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/App", RoleSessionName="ci", WebIdentityToken=jwt[:-4] + ("AAAA" if not jwt.endswith("AAAA") else "BBBB"))) == "InvalidIdentityToken")
check("GetCallerIdentity needs a signature", error_code(lambda: anon.get_caller_identity()) == "MissingAuthenticationToken")
sys.exit(1 if fail else 0)
PY
rc=$?
if grep -q "$secret" "$tmp/err"; then echo "FAIL the server log holds a secret"; rc=1; else echo "ok   the server log holds no secret"; fi
exit $rc
