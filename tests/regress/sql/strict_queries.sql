--
-- strict_queries: rules on analysed queries (ruleset 2026.09).
--
\set VERBOSITY default
\c - admin
SET search_path = regress_strict;
CREATE TABLE q (id int PRIMARY KEY, name text);
INSERT INTO q VALUES (1, 'seed');
SELECT name FROM q TABLESAMPLE SYSTEM (100);
SELECT name FROM q WHERE id IN (SELECT id FROM q TABLESAMPLE BERNOULLI (100));
SELECT id FROM q FOR UPDATE;
SELECT id FROM q FOR KEY SHARE;
SELECT id FROM q FOR SHARE;
SELECT id FROM q FOR NO KEY UPDATE;
WITH x AS (SELECT id FROM q FOR SHARE) SELECT * FROM x;
MERGE INTO q USING (SELECT 2 AS id) s ON q.id = s.id
  WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'm');
EXPLAIN (COSTS OFF) MERGE INTO q USING (SELECT 2 AS id) s ON q.id = s.id
  WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'm');
SELECT line('{1,2,3}');
SELECT circle('<(0,0),1>'::text);
SELECT '((0,0),1)'::circle;
SELECT point(1, 2) AS runtime_point, '127.0.0.1'::inet AS runtime_inet,
       string_to_array('1,2,3', ',') AS runtime_array;
SELECT to_tsvector('english', 'hello world');
SELECT 1 WHERE to_tsvector('english', 'a') @@ to_tsquery('english', 'a');
SELECT to_tsvector('simple', 'hello world');
SELECT count(*) FROM q WHERE name = 'seed';
INSERT INTO q VALUES (2, 'x') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING name;
SELECT count(*) FILTER (WHERE name = 'seed') FROM q GROUP BY ROLLUP (name) ORDER BY 1;
-- catalogs: pg_database is not readable, as pg_authid is not (42501);
-- current_database() runs
SELECT datname FROM pg_database;
SELECT n FROM (SELECT count(*) AS n FROM pg_catalog.pg_database) s;
WITH d AS (SELECT datname FROM pg_database) SELECT count(*) FROM d;
SELECT rolname FROM pg_authid;
SELECT current_database();
-- SQL-standard bodies (BEGIN ATOMIC, RETURN) are analysed without the
-- post_parse_analyze hook: the same rules run on the stored body at CREATE
CREATE FUNCTION f_db() RETURNS SETOF name LANGUAGE sql
  BEGIN ATOMIC SELECT datname FROM pg_database; END;
CREATE FUNCTION f_dbn() RETURNS bigint LANGUAGE sql
  RETURN (SELECT count(*) FROM pg_database);
CREATE FUNCTION f_merge() RETURNS void LANGUAGE sql BEGIN ATOMIC
  MERGE INTO q USING (SELECT 3 AS id) s ON q.id = s.id
    WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'm'); END;
CREATE FUNCTION f_ts() RETURNS tsvector LANGUAGE sql
  RETURN to_tsvector('english', 'running');
CREATE FUNCTION f_share() RETURNS SETOF int LANGUAGE sql
  BEGIN ATOMIC SELECT 1; SELECT id FROM q FOR SHARE; END;
CREATE FUNCTION f_sample() RETURNS SETOF text LANGUAGE sql
  BEGIN ATOMIC SELECT name FROM q TABLESAMPLE SYSTEM (100); END;
SELECT count(*) FROM pg_proc
 WHERE proname IN ('f_db', 'f_dbn', 'f_merge', 'f_ts', 'f_share', 'f_sample');
-- a body the rules pass is created and runs; OR REPLACE is checked too
CREATE FUNCTION f_body(x int) RETURNS bigint LANGUAGE sql
  BEGIN ATOMIC SELECT count(*) + x FROM q; END;
CREATE FUNCTION f_body() RETURNS int LANGUAGE sql RETURN 1;
SELECT f_body(0) > 0 AS ran, f_body() AS ret;
CREATE OR REPLACE FUNCTION f_body(x int) RETURNS bigint LANGUAGE sql
  RETURN (SELECT count(*) FROM pg_database);
CREATE OR REPLACE FUNCTION f_body() RETURNS int LANGUAGE sql RETURN 2;
SELECT f_body(0) > 0 AS ran, f_body() AS ret;
DROP FUNCTION f_body(int);
DROP FUNCTION f_body();
