--
-- strict_upgrade: dsql_iam 0.1 -> 0.2 (strict mode's SQL objects) with
-- ALTER EXTENSION dsql_iam UPDATE; the result has exactly the objects of a
-- fresh CREATE EXTENSION (0.2).
--
\set VERBOSITY terse
SELECT extversion FROM pg_extension WHERE extname = 'dsql_iam';
CREATE TEMP VIEW regress_extension_objects AS
SELECT pg_catalog.pg_describe_object(classid, objid, 0) AS object
  FROM pg_catalog.pg_depend
 WHERE refclassid = 'pg_catalog.pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'dsql_iam')
   AND deptype = 'e';
CREATE TEMP TABLE regress_fresh AS SELECT * FROM regress_extension_objects;
DROP EXTENSION dsql_iam;
CREATE EXTENSION dsql_iam VERSION '0.1';
SELECT extversion FROM pg_extension WHERE extname = 'dsql_iam';
SELECT count(*) AS jobs_tables FROM pg_class WHERE relname = 'jobs'
   AND relnamespace = 'sys'::regnamespace;
SELECT count(*) AS occ_access_methods FROM pg_am WHERE amname = 'dsql_occ';
ALTER EXTENSION dsql_iam UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'dsql_iam';
-- the objects 0.2 adds, all members of the extension
SELECT object FROM regress_extension_objects ORDER BY 1;
-- the same as a fresh 0.2, both ways
SELECT object AS only_fresh FROM regress_fresh
EXCEPT SELECT object FROM regress_extension_objects;
SELECT object AS only_updated FROM regress_extension_objects
EXCEPT SELECT object FROM regress_fresh;
SELECT has_table_privilege('public', 'sys.jobs', 'SELECT') AS public_reads_jobs,
       has_table_privilege('public', 'sys.jobs', 'INSERT') AS public_writes_jobs,
       has_function_privilege('public', 'sys.create_index_async(text)', 'EXECUTE')
         AS public_creates_async_indexes,
       has_function_privilege('public', 'sys.dsql_occ_handler(internal)', 'EXECUTE')
         AS public_calls_am_handler;
SELECT name, to_char(recorded, 'YYYY-MM-DD') AS recorded, rules > 50 AS many_rules FROM sys.strict_ruleset();
-- nothing to update any more
ALTER EXTENSION dsql_iam UPDATE;
DROP VIEW regress_extension_objects;
DROP TABLE regress_fresh;
