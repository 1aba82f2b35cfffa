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
