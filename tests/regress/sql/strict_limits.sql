--
-- strict_limits: DSQL's quotas of a database (AWS documentation): 10
-- schemas (54000), public counted, sys and pg_* not (as the DSL counts);
-- 1,000 tables (plain and partitioned) in those schemas.
--
\set VERBOSITY default
SELECT current_user AS bootstrap \gset
GRANT CREATE ON DATABASE contrib_regression TO admin;
\c - admin
SELECT id, family, sqlstate, certainty, exact FROM sys.strict_rules()
 WHERE family = 'limit' ORDER BY id;
-- schemas: fill up to 10, then one more is refused
SELECT count(*) < 10 AS room FROM pg_namespace
 WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'sys');
-- (the generated statements are not echoed: their number depends on the
-- earlier files)
\set ECHO none
SELECT format('CREATE SCHEMA regress_limit_%s', g)
  FROM generate_series(1, 10 - (SELECT count(*) FROM pg_namespace
        WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'sys'))::int) g
\gexec
\set ECHO all
SELECT count(*) AS user_schemas FROM pg_namespace
 WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'sys');
CREATE SCHEMA regress_limit_over;
CREATE SCHEMA IF NOT EXISTS regress_limit_1;
SELECT nspname FROM pg_namespace WHERE nspname = 'regress_limit_over';
DROP SCHEMA regress_limit_2;
CREATE SCHEMA regress_limit_over;
DROP SCHEMA regress_limit_over;
-- tables: fill up to 1,000 in the schemas that count, then one more is refused
SET search_path = regress_limit_1;
\set ECHO none
SELECT format('CREATE TABLE t%s (id int PRIMARY KEY)', g)
  FROM generate_series(1, 1000 - (SELECT count(*) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_'
          AND n.nspname NOT IN ('information_schema', 'sys'))::int) g
\gexec
\set ECHO all
SELECT count(*) AS user_tables FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_'
   AND n.nspname NOT IN ('information_schema', 'sys');
CREATE TABLE over (id int PRIMARY KEY);
CREATE TABLE IF NOT EXISTS t1 (id int PRIMARY KEY);
DROP TABLE t1;
CREATE TABLE over (id int PRIMARY KEY);
RESET search_path;
-- clean up, one DDL per transaction
SET client_min_messages = warning;
\set ECHO none
SELECT format('DROP SCHEMA %I CASCADE', nspname) FROM pg_namespace
 WHERE nspname ~ '^regress_limit_' ORDER BY nspname
\gexec
\set ECHO all
SELECT count(*) AS left_over FROM pg_namespace WHERE nspname ~ '^regress_limit_';
\c - :bootstrap
REVOKE CREATE ON DATABASE contrib_regression FROM admin;
