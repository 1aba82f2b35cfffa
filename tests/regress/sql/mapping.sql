--
-- mapping: sys.aws_iam_grant / sys.aws_iam_revoke as admin, happy path,
-- multiplicity, duplicates, absent pairs, role checks.
--
\set VERBOSITY default
CREATE ROLE regress_app LOGIN;
CREATE ROLE regress_rw LOGIN;
CREATE ROLE "regress_Mixed Case" LOGIN;
CREATE ROLE "regress_q""uo te" LOGIN;
CREATE ROLE regress_nologin NOLOGIN;
CREATE ROLE regress_super SUPERUSER LOGIN;
SET SESSION AUTHORIZATION admin;

-- happy path
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT arn, pg_role_name, grantor_pg_role_name
  FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name;
CALL sys.aws_iam_revoke('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT count(*) FROM sys.iam_pg_role_mappings;

-- several ARNs for one role (roles and users, paths, partitions)
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/team/app/AppReadOnlyRole');
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:user/ci-bot');
CALL sys.aws_iam_grant('regress_app', 'arn:aws-cn:iam::210987654321:role/ChinaRole');
CALL sys.aws_iam_grant('regress_app', 'arn:aws-us-gov:iam::000000000001:user/ops/gov.user@example');
-- one ARN for several roles
CALL sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
CALL sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/AppReadWriteRole');
SELECT arn, pg_role_name, grantor_pg_role_name
  FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name;
-- same ARN -> same iam_oid on every role; different ARNs -> different ones
SELECT arn, count(*) AS roles, count(DISTINCT iam_oid) AS iam_oids
  FROM sys.iam_pg_role_mappings GROUP BY arn ORDER BY arn;
SELECT count(DISTINCT arn) = count(DISTINCT iam_oid) AS iam_oid_per_arn
  FROM sys.iam_pg_role_mappings;

-- a role name over 63 bytes names no role: refused (42622) without echoing it
CALL sys.aws_iam_grant(repeat('x', 100000), 'arn:aws:iam::123456789012:role/Long');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke(repeat('y', 64), 'arn:aws:iam::123456789012:role/Long');
\echo :LAST_ERROR_SQLSTATE
-- duplicate grant of an existing (role, ARN): silently ignored, as on DSQL;
-- nothing changes, not even the grantor when the bootstrap superuser repeats it
CREATE TEMP TABLE regress_before AS SELECT * FROM sys.iam_pg_role_mappings;
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
\echo :SQLSTATE
RESET SESSION AUTHORIZATION;
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
\echo :SQLSTATE
SET SESSION AUTHORIZATION admin;
SELECT count(*) AS changed FROM (
  (SELECT * FROM regress_before EXCEPT ALL SELECT * FROM sys.iam_pg_role_mappings)
  UNION ALL
  (SELECT * FROM sys.iam_pg_role_mappings EXCEPT ALL SELECT * FROM regress_before)) d;
DROP TABLE regress_before;
-- ... but checked like a new grant first: a duplicate by another role is refused
SET SESSION AUTHORIZATION regress_rw;
CALL sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
\echo :LAST_ERROR_SQLSTATE
SET SESSION AUTHORIZATION admin;
-- revoke removes exactly one pair: the same ARN on regress_app and the
-- other ARNs of regress_rw stay, with their iam_oids and grantors
CREATE TEMP TABLE regress_before AS SELECT * FROM sys.iam_pg_role_mappings;
CALL sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT 'gone' AS change, arn, pg_role_name FROM (
  SELECT * FROM regress_before EXCEPT SELECT * FROM sys.iam_pg_role_mappings) g
UNION ALL
SELECT 'new', arn, pg_role_name FROM (
  SELECT * FROM sys.iam_pg_role_mappings EXCEPT SELECT * FROM regress_before) n;
SELECT (SELECT count(*) FROM regress_before) - 1
     = (SELECT count(*) FROM sys.iam_pg_role_mappings) AS one_row_less;
DROP TABLE regress_before;
SELECT arn, pg_role_name FROM sys.iam_pg_role_mappings
 WHERE arn = 'arn:aws:iam::123456789012:role/AppReadOnlyRole' ORDER BY 2;
-- the read the authentication hook does
SELECT sys.aws_iam_mapping_exists('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS app,
       sys.aws_iam_mapping_exists('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS rw,
       sys.aws_iam_mapping_exists('regress_rw', 'arn:aws:iam::123456789012:role/AppReadWriteRole') AS rw_rw,
       sys.aws_iam_mapping_exists('regress_nosuchrole', 'arn:aws:iam::123456789012:role/AppReadOnlyRole') AS nosuch,
       sys.aws_iam_mapping_exists('regress_app', 'arn:aws:iam::123456789012:role/appreadonlyrole') AS folded,
       sys.aws_iam_mapping_exists('regress_app', NULL) AS null_arn;
-- revoke of an absent pair: 42704 (twice, and a pair that never existed)
CALL sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/NeverGranted');
\echo :LAST_ERROR_SQLSTATE
-- ARNs compare byte for byte
CALL sys.aws_iam_revoke('regress_app', 'arn:aws:iam::123456789012:role/appreadonlyrole');
\echo :LAST_ERROR_SQLSTATE

-- role names are taken verbatim: no folding, no quote stripping
CALL sys.aws_iam_grant('regress_Mixed Case', 'arn:aws:iam::123456789012:role/Mixed');
CALL sys.aws_iam_grant('regress_mixed case', 'arn:aws:iam::123456789012:role/Mixed');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('"regress_Mixed Case"', 'arn:aws:iam::123456789012:role/Mixed');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_grant('REGRESS_APP', 'arn:aws:iam::123456789012:role/Upper');
\echo :LAST_ERROR_SQLSTATE
-- a name with a double quote and a blank (AWS IAM GRANT "regress_q""uo te")
CALL sys.aws_iam_grant('regress_q"uo te', 'arn:aws:iam::123456789012:role/Quoted');
CALL sys.aws_iam_grant('"regress_q""uo te"', 'arn:aws:iam::123456789012:role/Quoted');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings
 WHERE pg_role_name IN ('regress_Mixed Case', 'regress_q"uo te') ORDER BY 1;
DROP ROLE "regress_q""uo te";
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_q"uo te', 'arn:aws:iam::123456789012:role/Quoted');

-- unknown role: 42704
CALL sys.aws_iam_grant('regress_nosuchrole', 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_nosuchrole', 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
-- role without LOGIN: 55000
CALL sys.aws_iam_grant('regress_nologin', 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
-- admin itself cannot be mapped: 42939
CALL sys.aws_iam_grant('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE
-- a superuser role: only the bootstrap superuser may map it
CALL sys.aws_iam_grant('regress_super', 'arn:aws:iam::123456789012:role/Super');
\echo :LAST_ERROR_SQLSTATE
-- NULL arguments: 22004
CALL sys.aws_iam_grant(NULL, 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
CALL sys.aws_iam_revoke('regress_app', NULL);
\echo :LAST_ERROR_SQLSTATE

-- a rolled back grant leaves nothing behind
BEGIN;
CALL sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/Rollback');
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Rollback';
ROLLBACK;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Rollback';

RESET SESSION AUTHORIZATION;
-- a superuser may map anything mappable, including a superuser role
CALL sys.aws_iam_grant('regress_super', 'arn:aws:iam::123456789012:role/Super');
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings
 WHERE pg_role_name = 'regress_super';
CALL sys.aws_iam_revoke('regress_super', 'arn:aws:iam::123456789012:role/Super');
-- but not admin either
CALL sys.aws_iam_grant('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE

-- many grants and revokes in one loop, one statement (memory stays per call)
DO $$
BEGIN
  FOR i IN 1..200 LOOP
    CALL sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/Loop' || i);
  END LOOP;
END
$$;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Loop%';
DO $$
BEGIN
  FOR i IN 1..200 LOOP
    CALL sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/Loop' || i);
  END LOOP;
END
$$;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Loop%';

-- cleanup (revoke everything, then drop)
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
SELECT count(*) FROM sys.iam_pg_role_mappings;
DROP ROLE regress_app, regress_rw, "regress_Mixed Case", regress_nologin, regress_super,
  "regress_q""uo te";
