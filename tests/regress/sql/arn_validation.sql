--
-- arn_validation: only IAM role and user ARNs; 22023
-- "IAM role must look like an IAM ARN" for anything else.
--
\set VERBOSITY default
CREATE ROLE regress_arn LOGIN;
SET SESSION AUTHORIZATION admin;

-- STS session ARN (map the role, not the session)
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:sts::123456789012:assumed-role/AppReadOnlyRole/session');
\echo :LAST_ERROR_SQLSTATE
-- "*" as the account (the seed's placeholder)
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::*:role/AppReadOnlyRole');
\echo :LAST_ERROR_SQLSTATE
-- 11 and 13 digits
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::12345678901:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::1234567890123:role/R');
\echo :LAST_ERROR_SQLSTATE
-- garbage, empty, whitespace
CALL sys.aws_iam_grant('regress_arn', 'AppReadOnlyRole');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', '');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', ' arn:aws:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/R ');
\echo :LAST_ERROR_SQLSTATE
-- case matters in the fixed parts
CALL sys.aws_iam_grant('regress_arn', 'ARN:AWS:IAM::123456789012:ROLE/R');
\echo :LAST_ERROR_SQLSTATE
-- unknown partition, service, region, resource type
CALL sys.aws_iam_grant('regress_arn', 'arn:aws-xx:iam::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:s3::123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam:us-east-1:123456789012:role/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:group/Developers');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:root');
\echo :LAST_ERROR_SQLSTATE
-- names: empty, bad characters, too long (65)
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/App*');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/App Role');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', E'arn:aws:iam::123456789012:role/App\nRole');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/Appé');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/' || repeat('n', 65));
\echo :LAST_ERROR_SQLSTATE
-- paths: empty segment, wildcard, too long (513 with the slashes)
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role//R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/team/*/R');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/' || repeat('p', 511) || '/R');
\echo :LAST_ERROR_SQLSTATE
-- very long ARN (over 2048 bytes)
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/' || repeat('x', 5000));
\echo :LAST_ERROR_SQLSTATE
-- revoke validates the same way
CALL sys.aws_iam_revoke('regress_arn', 'arn:aws:iam::*:role/R');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM sys.iam_pg_role_mappings;

-- the limits themselves are accepted: 64-character name, 512-character path
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/' || repeat('n', 64));
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/' || repeat('p', 510) || '/R');
-- every character IAM allows in a name; printable ASCII in a path
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:user/a-Z_0+9=,.@x');
CALL sys.aws_iam_grant('regress_arn', 'arn:aws:iam::123456789012:role/a!b#c$d%e&f~g:h;i/R');
SELECT length(arn), right(arn, 20) FROM sys.iam_pg_role_mappings ORDER BY 1, 2;
-- revoke every mapping (a procedure cannot be called from SELECT: a loop)
DO $$
DECLARE
  m record;
  n int := 0;
BEGIN
  FOR m IN SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings LOOP
    CALL sys.aws_iam_revoke(m.pg_role_name, m.arn);
    n := n + 1;
  END LOOP;
  RAISE NOTICE 'revoked % mappings', n;
END
$$;

RESET SESSION AUTHORIZATION;
DROP ROLE regress_arn;
