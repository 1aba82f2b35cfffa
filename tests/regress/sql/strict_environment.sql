--
-- strict_environment: a strict session (dsql_iam.strict = on in
-- dsql_iam.conf, logged in as admin) gets Aurora DSQL's environment; a
-- session of the bootstrap superuser does not, and follows no rule.
--
\set VERBOSITY default
SHOW dsql_iam.strict;
-- the bootstrap superuser: PostgreSQL 15 as it is
SELECT current_setting('server_version_num')::int / 10000 AS major;
SELECT version() LIKE 'PostgreSQL 15.%' AS plain_version;
SAVEPOINT not_in_a_transaction_but_parsed;
SELECT name, strict FROM sys.strict_ruleset();

\c - admin
SHOW server_version;
SHOW server_version_num;
SELECT current_setting('server_version') AS setting,
       current_setting('server_version_num') AS num;
SHOW TimeZone;
SHOW transaction_isolation;
SHOW default_transaction_isolation;
SELECT version() LIKE 'PostgreSQL 16.15 %' AS dsql_version;
SELECT v LIKE 'PostgreSQL 16.15 %' AS in_a_subquery
  FROM (SELECT pg_catalog.version() AS v) s;
-- the rewrite is in the tree, not the text: EXPLAIN shows the call
EXPLAIN (VERBOSE, COSTS OFF) SELECT version();
SHOW lc_collate;
SELECT current_database(), current_schema();
SELECT sys.iam_session_user() IS NULL AS no_token_no_principal;
SELECT sys.current_session_id() ~ '^[0-9a-f]+\.[0-9a-f]+$' AS session_id_shape,
       sys.current_session_id() = sys.current_session_id() AS stable;
SELECT name, to_char(recorded, 'YYYY-MM-DD') AS recorded, strict FROM sys.strict_ruleset();
-- admin cannot turn strict mode off for itself (PGC_SIGHUP)
SET dsql_iam.strict = off;
\echo :LAST_ERROR_SQLSTATE
-- every rule has an id, a SQLSTATE, a message, a certainty, a source, a date
SELECT count(*) AS rules,
       count(DISTINCT id) = count(*) AS ids_unique,
       bool_and(sqlstate ~ '^[0-9A-Z]{5}$') AS sqlstates,
       bool_and(certainty IN ('rec', 'lint', 'obs', 'doc')) AS certainties,
       bool_and(length(source) > 10 AND seen ~ '^20[0-9]{2}') AS sourced
  FROM sys.strict_rules();
SELECT certainty, count(*), count(*) FILTER (WHERE exact) AS exact_text
  FROM sys.strict_rules() GROUP BY 1 ORDER BY 1;
