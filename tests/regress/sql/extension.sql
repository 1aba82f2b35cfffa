--
-- extension: CREATE EXTENSION (preloaded by dsql_iam.conf), schema sys,
-- the API objects and their privileges, the role admin used by later files.
--
\set VERBOSITY default
-- schema sys does not exist before: CREATE EXTENSION creates it
SELECT count(*) AS sys_schemas FROM pg_namespace WHERE nspname = 'sys';
CREATE EXTENSION dsql_iam;
SELECT e.extname, e.extversion, e.extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'dsql_iam';
-- the library registered its label provider (loaded at server start)
SHOW shared_preload_libraries;

-- the SQL API
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns,
       p.proisstrict AS strict, p.prosecdef AS security_definer
  FROM pg_proc p
 WHERE p.pronamespace = 'sys'::regnamespace
 ORDER BY 1::text;
SELECT c.relname, c.relkind
  FROM pg_class c WHERE c.relnamespace = 'sys'::regnamespace ORDER BY 1;

-- PUBLIC: USAGE on sys, EXECUTE on the functions, SELECT on the view
SELECT has_schema_privilege('public', 'sys', 'USAGE') AS usage_sys;
SELECT p.oid::regprocedure AS function,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p
 WHERE p.pronamespace = 'sys'::regnamespace
 ORDER BY 1::text;
SELECT has_table_privilege('public', 'sys.iam_pg_role_mappings', 'SELECT')
       AS public_select;

-- a second CREATE EXTENSION is refused as usual
CREATE EXTENSION dsql_iam;
\echo :LAST_ERROR_SQLSTATE

-- DSQL's administrative role, as the bootstrap creates it; not a superuser
CREATE ROLE admin LOGIN CREATEROLE;
SELECT rolname, rolsuper, rolcreaterole, rolcanlogin
  FROM pg_roles WHERE rolname = 'admin';

-- no mappings yet
SELECT count(*) FROM sys.iam_pg_role_mappings;
