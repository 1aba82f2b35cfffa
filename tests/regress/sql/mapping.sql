--
-- mapping: sys.aws_iam_grant / sys.aws_iam_revoke as admin, happy path,
-- multiplicity, duplicates, absent pairs, role checks.
--
\set VERBOSITY default
CREATE ROLE regress_app LOGIN;
CREATE ROLE regress_rw LOGIN;
CREATE ROLE "regress_Mixed Case" LOGIN;
CREATE ROLE regress_nologin NOLOGIN;
CREATE ROLE regress_super SUPERUSER LOGIN;
SET SESSION AUTHORIZATION admin;

-- happy path
SELECT sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT arn, pg_role_name, grantor_pg_role_name
  FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name;
SELECT sys.aws_iam_revoke('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT count(*) FROM sys.iam_pg_role_mappings;

-- several ARNs for one role (roles and users, paths, partitions)
SELECT sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/team/app/AppReadOnlyRole');
SELECT sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:user/ci-bot');
SELECT sys.aws_iam_grant('regress_app', 'arn:aws-cn:iam::210987654321:role/ChinaRole');
SELECT sys.aws_iam_grant('regress_app', 'arn:aws-us-gov:iam::000000000001:user/ops/gov.user@example');
-- one ARN for several roles
SELECT sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/AppReadWriteRole');
SELECT arn, pg_role_name, grantor_pg_role_name
  FROM sys.iam_pg_role_mappings ORDER BY arn, pg_role_name;
-- same ARN -> same iam_oid on every role; different ARNs -> different ones
SELECT arn, count(*) AS roles, count(DISTINCT iam_oid) AS iam_oids
  FROM sys.iam_pg_role_mappings GROUP BY arn ORDER BY arn;
SELECT count(DISTINCT arn) = count(DISTINCT iam_oid) AS iam_oid_per_arn
  FROM sys.iam_pg_role_mappings;

-- duplicate grant of an existing (role, ARN): 42710
SELECT sys.aws_iam_grant('regress_app', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
\echo :LAST_ERROR_SQLSTATE
-- revoke removes exactly one pair
SELECT sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
SELECT arn, pg_role_name FROM sys.iam_pg_role_mappings
 WHERE arn = 'arn:aws:iam::123456789012:role/AppReadOnlyRole' ORDER BY 2;
-- revoke of an absent pair: 42704 (twice, and a pair that never existed)
SELECT sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/AppReadOnlyRole');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/NeverGranted');
\echo :LAST_ERROR_SQLSTATE
-- ARNs compare byte for byte
SELECT sys.aws_iam_revoke('regress_app', 'arn:aws:iam::123456789012:role/appreadonlyrole');
\echo :LAST_ERROR_SQLSTATE

-- role names are taken verbatim: no folding, no quote stripping
SELECT sys.aws_iam_grant('regress_Mixed Case', 'arn:aws:iam::123456789012:role/Mixed');
SELECT sys.aws_iam_grant('regress_mixed case', 'arn:aws:iam::123456789012:role/Mixed');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_grant('"regress_Mixed Case"', 'arn:aws:iam::123456789012:role/Mixed');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_grant('REGRESS_APP', 'arn:aws:iam::123456789012:role/Upper');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings
 WHERE pg_role_name = 'regress_Mixed Case';

-- unknown role: 42704
SELECT sys.aws_iam_grant('regress_nosuchrole', 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_revoke('regress_nosuchrole', 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
-- role without LOGIN: 55000
SELECT sys.aws_iam_grant('regress_nologin', 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
-- admin itself cannot be mapped: 42939
SELECT sys.aws_iam_grant('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_revoke('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE
-- a superuser role: only a superuser may map it
SELECT sys.aws_iam_grant('regress_super', 'arn:aws:iam::123456789012:role/Super');
\echo :LAST_ERROR_SQLSTATE
-- NULL arguments: 22004
SELECT sys.aws_iam_grant(NULL, 'arn:aws:iam::123456789012:role/X');
\echo :LAST_ERROR_SQLSTATE
SELECT sys.aws_iam_revoke('regress_app', NULL);
\echo :LAST_ERROR_SQLSTATE

-- a rolled back grant leaves nothing behind
BEGIN;
SELECT sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/Rollback');
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Rollback';
ROLLBACK;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Rollback';

RESET SESSION AUTHORIZATION;
-- a superuser may map anything mappable, including a superuser role
SELECT sys.aws_iam_grant('regress_super', 'arn:aws:iam::123456789012:role/Super');
SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings
 WHERE pg_role_name = 'regress_super';
SELECT sys.aws_iam_revoke('regress_super', 'arn:aws:iam::123456789012:role/Super');
-- but not admin either
SELECT sys.aws_iam_grant('admin', 'arn:aws:iam::123456789012:role/AdminRole');
\echo :LAST_ERROR_SQLSTATE

-- many grants and revokes in one loop (memory stays per call)
SELECT count(sys.aws_iam_grant('regress_rw', 'arn:aws:iam::123456789012:role/Loop' || i))
  FROM generate_series(1, 200) i;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Loop%';
SELECT count(sys.aws_iam_revoke('regress_rw', 'arn:aws:iam::123456789012:role/Loop' || i))
  FROM generate_series(1, 200) i;
SELECT count(*) FROM sys.iam_pg_role_mappings WHERE arn LIKE '%/Loop%';

-- cleanup (revoke everything, then drop)
SELECT sys.aws_iam_revoke(pg_role_name, arn) FROM sys.iam_pg_role_mappings;
SELECT count(*) FROM sys.iam_pg_role_mappings;
DROP ROLE regress_app, regress_rw, "regress_Mixed Case", regress_nologin, regress_super;
