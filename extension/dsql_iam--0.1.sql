/* extension/dsql_iam--0.1.sql
 * Not yet released.  Once a version is released (tagged), never edit its
 * script: add dsql_iam--<old>--<new>.sql and bump default_version. */

\echo Use "CREATE EXTENSION dsql_iam" to load this file. \quit

-- The schema sys is created by CREATE EXTENSION (control file: schema = sys).
GRANT USAGE ON SCHEMA sys TO PUBLIC;

-- AWS IAM GRANT <role> TO '<arn>'.  Checks (admin or superuser caller, role,
-- LOGIN, ARN syntax) are in C: EXECUTE is open to PUBLIC on purpose.
-- Procedures, not functions: CALL sys.aws_iam_grant('role', 'arn') prints
-- nothing under psql -q, as DSQL's statement does (SELECT of a void function
-- would print an empty row).  A procedure is always called on NULL input;
-- the C refuses NULL arguments itself (22004).
CREATE PROCEDURE sys.aws_iam_grant(pg_role_name pg_catalog.text, arn pg_catalog.text)
AS 'MODULE_PATHNAME', 'dsql_iam_grant'
LANGUAGE C;

-- AWS IAM REVOKE <role> FROM '<arn>'.
CREATE PROCEDURE sys.aws_iam_revoke(pg_role_name pg_catalog.text, arn pg_catalog.text)
AS 'MODULE_PATHNAME', 'dsql_iam_revoke'
LANGUAGE C;

-- Row source of the view: one row per (ARN, role), read from the store.
CREATE FUNCTION sys.aws_iam_mappings(
    OUT iam_oid pg_catalog.oid,
    OUT arn pg_catalog.text,
    OUT pg_role_oid pg_catalog.oid,
    OUT grantor_pg_role_oid pg_catalog.oid)
RETURNS SETOF pg_catalog.record
AS 'MODULE_PATHNAME', 'dsql_iam_mappings'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- The read the authentication hook does: is (role, ARN) mapped?  An index
-- lookup of the role's label; false for an unknown role.  For tests, bench/
-- and client-side guards.
CREATE FUNCTION sys.aws_iam_mapping_exists(pg_role_name pg_catalog.text, arn pg_catalog.text)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'dsql_iam_mapping_exists_sql'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

CREATE VIEW sys.iam_pg_role_mappings AS
SELECT m.iam_oid,
       m.arn,
       m.pg_role_oid,
       r.rolname AS pg_role_name,
       m.grantor_pg_role_oid,
       g.rolname AS grantor_pg_role_name
  FROM sys.aws_iam_mappings() AS m
  JOIN pg_catalog.pg_roles AS r ON r.oid OPERATOR(pg_catalog.=) m.pg_role_oid
  LEFT JOIN pg_catalog.pg_roles AS g
         ON g.oid OPERATOR(pg_catalog.=) m.grantor_pg_role_oid;

GRANT EXECUTE ON PROCEDURE sys.aws_iam_grant(pg_catalog.text, pg_catalog.text) TO PUBLIC;
GRANT EXECUTE ON PROCEDURE sys.aws_iam_revoke(pg_catalog.text, pg_catalog.text) TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.aws_iam_mappings() TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.aws_iam_mapping_exists(pg_catalog.text, pg_catalog.text) TO PUBLIC;
GRANT SELECT ON sys.iam_pg_role_mappings TO PUBLIC;
