--
-- strict_transaction: DSQL's transaction rules (ruleset 2026.09): one DDL
-- per transaction, no DDL with DML, no savepoints, REPEATABLE READ only,
-- 3,000 rows and 10 MiB per transaction; a refusal aborts the transaction.
--
\set VERBOSITY default
CREATE SCHEMA regress_strict AUTHORIZATION admin;
CREATE ROLE regress_strict_login LOGIN;
\c - admin
SET search_path = regress_strict;
CREATE TABLE t (id int PRIMARY KEY, v text);
-- the first DDL runs, the second is refused and aborts the transaction
BEGIN;
CREATE TABLE t2 (id int);
CREATE TABLE t3 (id int);
SELECT 1;
COMMIT;
SELECT count(*) AS created FROM pg_class WHERE relname IN ('t2', 't3');
-- DDL then DML, DML then DDL
BEGIN;
CREATE TABLE t4 (id int);
INSERT INTO t4 VALUES (1);
ROLLBACK;
BEGIN;
INSERT INTO t VALUES (1, 'a');
CREATE TABLE t5 (id int);
ROLLBACK;
-- a data-modifying WITH is DML too
BEGIN;
CREATE TABLE t6 (id int);
WITH x AS (INSERT INTO t VALUES (2, 'b') RETURNING id) SELECT id FROM x;
ROLLBACK;
-- several statements in one query share one implicit transaction
CREATE TABLE t7 (id int)\; CREATE TABLE t8 (id int);
SELECT count(*) AS created FROM pg_class WHERE relname IN ('t7', 't8');
-- GRANT, CREATE ROLE and AWS IAM GRANT (sys.aws_iam_grant) count as DDL
BEGIN;
GRANT SELECT ON t TO regress_strict_login;
REVOKE SELECT ON t FROM regress_strict_login;
ROLLBACK;
BEGIN;
CREATE ROLE regress_strict_r1;
CALL sys.aws_iam_grant('regress_strict_login', 'arn:aws:iam::123456789012:role/RegressStrict');
ROLLBACK;
BEGIN;
CALL sys.aws_iam_grant('regress_strict_login', 'arn:aws:iam::123456789012:role/RegressStrict');
CALL sys.aws_iam_revoke('regress_strict_login', 'arn:aws:iam::123456789012:role/RegressStrict');
ROLLBACK;
SELECT count(*) AS mappings FROM sys.iam_pg_role_mappings
 WHERE pg_role_name = 'regress_strict_login';
-- reads mix with anything
BEGIN;
SELECT count(*) FROM t;
CREATE TABLE t9 (id int);
SELECT count(*) FROM t9;
COMMIT;
-- savepoints
BEGIN;
SAVEPOINT sp;
ROLLBACK;
SAVEPOINT sp;
ROLLBACK TO SAVEPOINT sp;
RELEASE SAVEPOINT sp;
-- isolation: REPEATABLE READ only; SET TRANSACTION is refused as a whole
BEGIN ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
COMMIT;
BEGIN ISOLATION LEVEL SERIALIZABLE;
BEGIN ISOLATION LEVEL READ COMMITTED;
START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
BEGIN;
SET TRANSACTION READ ONLY;
SELECT 1;
COMMIT;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SET default_transaction_isolation = 'read committed';
START TRANSACTION READ ONLY;
SELECT 1;
COMMIT;
-- 3,000 rows per transaction: the statement crossing the cap fails
CREATE TABLE bulk (id int);
INSERT INTO bulk SELECT generate_series(1, 3001);
BEGIN;
INSERT INTO bulk SELECT generate_series(1, 3000);
SELECT count(*) FROM bulk;
ROLLBACK;
BEGIN;
INSERT INTO bulk SELECT generate_series(1, 2000);
UPDATE bulk SET id = id + 1 WHERE id <= 1001;
SELECT 1;
ROLLBACK;
SELECT count(*) AS left_behind FROM bulk;
INSERT INTO bulk SELECT generate_series(1, 3000);
DELETE FROM bulk WHERE id > 10;
-- 10 MiB of new rows per transaction
CREATE TABLE wide (id int, v text);
INSERT INTO wide SELECT g, repeat('x', 4000) FROM generate_series(1, 2000) g;
INSERT INTO wide SELECT g, repeat('x', 6000) FROM generate_series(1, 2000) g;
SELECT count(*) AS wide_rows FROM wide;
-- a refused statement leaves the session clean for the next transaction
BEGIN;
TRUNCATE t;
SELECT 1;
COMMIT;
SELECT 1 AS clean;
