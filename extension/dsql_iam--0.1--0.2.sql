/* extension/dsql_iam--0.1--0.2.sql
 * dsql_iam 0.2: strict mode's SQL objects (Aurora DSQL's SQL rules; the
 * rules themselves are in the library, see extension/README.md).
 * ALTER EXTENSION dsql_iam UPDATE TO '0.2' runs it on a 0.1 database;
 * CREATE EXTENSION dsql_iam runs 0.1 then this.  Never edit it once 0.2 is
 * released: add dsql_iam--0.2--0.3.sql. */

\echo Use "ALTER EXTENSION dsql_iam UPDATE TO '0.2'" to load this file. \quit

-- The ruleset in force and dsql_iam.strict (on: every session but the bootstrap
-- superuser's follows it).
CREATE FUNCTION sys.strict_ruleset(
    OUT name pg_catalog.text,
    OUT recorded pg_catalog.date,
    OUT rules pg_catalog.int4,
    OUT strict pg_catalog.bool)
RETURNS SETOF pg_catalog.record
AS 'MODULE_PATHNAME', 'dsql_iam_strict_ruleset'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Every rule: id, family, SQLSTATE, DSQL's message, certainty, whether the
-- text is DSQL's own, where it was seen and when.
CREATE FUNCTION sys.strict_rules(
    OUT id pg_catalog.text,
    OUT family pg_catalog.text,
    OUT sqlstate pg_catalog.text,
    OUT message pg_catalog.text,
    OUT certainty pg_catalog.text,
    OUT exact pg_catalog.bool,
    OUT source pg_catalog.text,
    OUT seen pg_catalog.text)
RETURNS SETOF pg_catalog.record
AS 'MODULE_PATHNAME', 'dsql_iam_strict_rules'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- version() of strict sessions: their calls of pg_catalog.version() are
-- redirected here in the analysed query.
CREATE FUNCTION sys.version()
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dsql_iam_version'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The IAM principal ARN whose token authenticated this session, or NULL.
CREATE FUNCTION sys.iam_session_user()
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dsql_iam_session_user'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- This session's id (PostgreSQL's %c: start time and pid in hex).
CREATE FUNCTION sys.current_session_id()
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dsql_iam_current_session_id'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Aurora DSQL's asynchronous jobs (DSQL's columns, index.json sys_jobs_columns).
CREATE TABLE sys.jobs (
    job_id pg_catalog.text PRIMARY KEY,
    status pg_catalog.text NOT NULL,
    details pg_catalog.text,
    job_type pg_catalog.text NOT NULL,
    class_id pg_catalog.oid,
    object_id pg_catalog.oid,
    object_name pg_catalog.text,
    start_time pg_catalog.timestamptz NOT NULL,
    update_time pg_catalog.timestamptz
);
SELECT pg_catalog.pg_extension_config_dump('sys.jobs', '');

-- CREATE INDEX ASYNC, as dsqlctl sql rewrites it: builds, records, returns
-- the job id.  Checks are in C: EXECUTE is open to PUBLIC on purpose.
CREATE FUNCTION sys.create_index_async(statement pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dsql_iam_create_index_async'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- CALL sys.wait_for_job(job_id): a procedure, as on DSQL.
CREATE PROCEDURE sys.wait_for_job(job_id pg_catalog.text)
AS 'MODULE_PATHNAME', 'dsql_iam_wait_for_job'
LANGUAGE C;

-- The table access method of tables created in strict sessions: heap, with
-- optimistic concurrency (no row-lock waits; conflicts fail at COMMIT).
CREATE FUNCTION sys.dsql_occ_handler(pg_catalog.internal)
RETURNS pg_catalog.table_am_handler
AS 'MODULE_PATHNAME', 'dsql_occ_tableam_handler'
LANGUAGE C STRICT;
CREATE ACCESS METHOD dsql_occ TYPE TABLE HANDLER sys.dsql_occ_handler;

GRANT EXECUTE ON FUNCTION sys.strict_ruleset() TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.strict_rules() TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.version() TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.iam_session_user() TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.current_session_id() TO PUBLIC;
GRANT SELECT ON sys.jobs TO PUBLIC;
GRANT EXECUTE ON FUNCTION sys.create_index_async(pg_catalog.text) TO PUBLIC;
GRANT EXECUTE ON PROCEDURE sys.wait_for_job(pg_catalog.text) TO PUBLIC;
REVOKE ALL ON FUNCTION sys.dsql_occ_handler(pg_catalog.internal) FROM PUBLIC;
