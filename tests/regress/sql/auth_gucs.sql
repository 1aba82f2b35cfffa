-- Token authentication settings (auth.c). The defaults keep trust as trust, so
-- that this whole suite (Unix socket, trust) runs unchanged; the hook itself is
-- tested on a real TLS endpoint by tests/integration (seed_flow_test).
SHOW dsql_iam.auth_mode;
SHOW dsql_iam.state_file;
SHOW dsql_iam.endpoint;
SHOW dsql_iam.region;
SHOW dsql_iam.cluster_arn;
SHOW dsql_iam.max_clock_skew;
-- all reloadable (SIGHUP): not settable in a session
SET dsql_iam.auth_mode = on;
SET dsql_iam.state_file = '/tmp/x.sqlite';
-- a typo in the reserved prefix is refused, not kept as a placeholder
SET dsql_iam.auth_mod = on;
-- the values of auth_mode
SELECT enumvals FROM pg_settings WHERE name = 'dsql_iam.auth_mode';
-- the state file's path is for superusers (and pg_read_all_settings) only
CREATE ROLE regress_auth_reader;
SET ROLE regress_auth_reader;
SHOW dsql_iam.state_file;
SHOW dsql_iam.auth_mode;
RESET ROLE;
DROP ROLE regress_auth_reader;
-- without a state file, sys.aws_iam_grant does not check principals (see mapping)
SELECT current_setting('dsql_iam.state_file') = '' AS no_state_file;
