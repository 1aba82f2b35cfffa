-- dsql_iam.front_door (auth.c): set only in the startup packet, by the front door
-- (dsl/front) on the connections it relays, which the auth hook then authenticates
-- with the token like TCP ones (tests/integration/front_door_test covers the hook).
-- This session came over the Unix socket without it.
SHOW dsql_iam.front_door;
-- not settable once the session runs, by anyone
SET dsql_iam.front_door = on;
ALTER ROLE CURRENT_USER SET dsql_iam.front_door = on;
-- nor in a configuration file
ALTER SYSTEM SET dsql_iam.front_door = on;
SELECT context, vartype FROM pg_settings WHERE name = 'dsql_iam.front_door';
-- dsql_iam.endpoint takes the cluster's names as a list (dsqlctl local up sets it)
SELECT short_desc FROM pg_settings WHERE name = 'dsql_iam.endpoint';
