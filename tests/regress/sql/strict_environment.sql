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
-- our choice where DSQL has no english: the default configuration is simple
SHOW default_text_search_config;
SELECT to_tsvector('a b') AS simple_not_english;
-- SET's rules hold on every path (set_config, a computed name, a startup
-- option; a function's SET clause: strict_statements); a refused setting is
-- undone
CREATE ROLE regress_env_role;
GRANT regress_env_role TO admin;
SELECT set_config('role', 'regress_env_role', false);
SELECT pg_catalog.set_config('ROLE', 'regress_env_role', true);
SELECT set_config('session_authorization', 'regress_env_role', false);
SELECT set_config('default_transaction_isolation', 'serializable', false);
SELECT set_config('transaction_isolation', 'serializable', true);
SELECT set_config('transaction_isolation', 'repeatable read', true) AS level;
SET transaction_isolation = 'serializable';
SET transaction_isolation = 'repeatable read';
SELECT set_config('search_path', current_setting('search_path'), false) IS NOT NULL AS others_run;
-- a name computed at run time: refused at COMMIT, which undoes it
SELECT set_config(n, 'regress_env_role', false) FROM (VALUES ('ro' || 'le')) v(n);
SELECT current_user, session_user;
SELECT set_config(n, 'serializable', false) FROM (VALUES ('default_transaction_isolation')) v(n);
SHOW default_transaction_isolation;
-- inside a transaction: the next statement is refused
BEGIN;
SELECT set_config(n, 'regress_env_role', false) IS NOT NULL AS set FROM (VALUES ('role')) v(n);
SELECT current_user;
ROLLBACK;
SELECT current_user, current_setting('transaction_isolation') AS level;
-- a startup option: DSQL's environment keeps no role
\c "dbname=contrib_regression user=admin options=-crole=regress_env_role"
SELECT current_user, session_user;
SHOW role;
REVOKE regress_env_role FROM admin;
DROP ROLE regress_env_role;
