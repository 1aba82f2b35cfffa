/*-------------------------------------------------------------------------
 *
 * strict_rules.c
 *	  Aurora DSQL's SQL rules, ruleset 2026.09: one entry per rule, with
 *	  its SQLSTATE, DSQL's message, how sure we are, where it was seen and
 *	  when.  A new recording is a one-line change here; the enforcing code
 *	  (strict_utility.c, strict_query.c, strict.c, occ.c) refers to rules by
 *	  DsqlStrictRuleId, or finds them by statement kind or data type.
 *
 * Policy (shared/reference/dsql-rules.md): strict mode refuses a form only
 * when DSQL was seen refusing it (rec, lint, obs, doc).  Where the sources
 * conflict (DSQL seen accepting what a linter refuses, for instance) the
 * form is not refused, and the conflict is written in the extension's
 * README; unknowns stay unknown there.  Where DSQL's exact text is not
 * recorded (exact = false) the message is ours, in DSQL's own style, and
 * the README says so.
 *
 * Sources:
 *	  rec   the conformance recordings of Dreamescaper/dsql-emulator, real
 *	        Aurora DSQL clusters answering as admin in September 2026
 *	        (test/conformance/golden/<file>.json, the probe named)
 *	  lint  AWS's dsql-lint 0.2.14 (awslabs/aurora-dsql-tools, 2026-08-07),
 *	        src/rules/errors.rs; its grammar/dsql_grammar.json lists forms
 *	        that succeeded on a real cluster (our evidence of acceptance)
 *	  obs   third-party observations collected in shared/reference/
 *	        dsql-rules.md and dsql.md (September 2026)
 *	  doc   AWS documentation, as quoted there
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "dsql_iam.h"

PG_FUNCTION_INFO_V1(dsql_iam_strict_ruleset);
PG_FUNCTION_INFO_V1(dsql_iam_strict_rules);

#define REC(file, probe) \
	"Dreamescaper/dsql-emulator test/conformance/golden/" file ".json, probe " probe
#define LINT(what) \
	"awslabs/aurora-dsql-tools dsql-lint 0.2.14 src/rules/errors.rs, " what
#define OBS(what) "shared/reference/dsql-rules.md: " what

#define SEEN_0915 "2026-09-15"	/* environment, types, index, occ, enum */
#define SEEN_0917 "2026-09-17"	/* multi_statement */
#define SEEN_0918 "2026-09-18"	/* transaction, unsupported, alters, queries ... */
#define SEEN_LINT "2026-08-07"
#define SEEN_OBS  "2026-09"

/* A statement kind refused as a whole: DSQL names the parse node. */
#define NODE(name) .node = T_##name##Stmt, .node_name = #name

const DsqlStrictRule dsql_strict_rules[] = {
	/* ---- transactions ---- */
	[DSQL_RULE_TX_MULTIPLE_DDL] = {"tx.multiple_ddl", "transaction", "0A000",
		"multiple ddl statements not supported in a transaction", "rec", true,
	REC("transaction", "two_ddl_one_txn") "; multi_statement.json, multi_two_ddl", SEEN_0918},
	[DSQL_RULE_TX_DDL_AND_DML] = {"tx.ddl_and_dml", "transaction", "0A000",
		"ddl and dml are not supported in the same transaction", "rec", true,
	REC("transaction", "ddl_then_dml") "; multi_statement.json, multi_ddl_then_dml", SEEN_0918},
	[DSQL_RULE_TX_SAVEPOINT] = {"tx.savepoint", "transaction", "0A000",
		"unsupported transaction statement: SAVEPOINT", "rec", true,
	REC("transaction", "savepoint"), SEEN_0918},
	[DSQL_RULE_TX_ROLLBACK_TO] = {"tx.rollback_to", "transaction", "0A000",
		"unsupported transaction statement: ROLLBACK TO", "rec", true,
	REC("transaction", "rollback_to_savepoint"), SEEN_0918},
	[DSQL_RULE_TX_RELEASE] = {"tx.release", "transaction", "0A000",
		"unsupported transaction statement: RELEASE", "lint", false,
	LINT("UnsupportedReleaseSavepoint"), SEEN_LINT},
	[DSQL_RULE_TX_ISOLATION] = {"tx.isolation", "transaction", "0A000",
		"Unsupported isolation level: %s", "rec", true,
		REC("isolation", "begin_serializable, set_transaction_serializable")
	"; READ COMMITTED and READ UNCOMMITTED: dsql-lint TransactionIsolation", SEEN_0918},
	[DSQL_RULE_TX_ROW_LIMIT] = {"tx.row_limit", "transaction", "54000",
		"transaction row limit exceeded", "rec", true,
	REC("transaction", "row_cap, row_cap_implicit, row_cap_boundary (3,000 pass)"), SEEN_0918},
	[DSQL_RULE_TX_SIZE_LIMIT] = {"tx.size_limit", "transaction", "54000",
		"transaction size limit 10mb exceeded", "obs", true,
	OBS("bytes per transaction"), SEEN_OBS},
	[DSQL_RULE_TX_AGE] = {"tx.age", "transaction", "54000",
		"transaction age limit exceeded", "doc", false,
		OBS("transaction age: 300 s in AWS documentation vs 1800 s in the emulator's ruleset "
			"(conflict); the limit is dsql_iam.strict_transaction_age"), SEEN_OBS},
	[DSQL_RULE_OCC_CONFLICT] = {"occ.conflict", "concurrency", "40001",
		"change conflicts with another transaction (OC000)", "rec", true,
	REC("occ_conflict", "occ_write_write, occ_for_update_vs_write, occ_fk_delete_insert"), SEEN_0915},

	/* ---- SET / SHOW ---- */
	[DSQL_RULE_SET_PARAMETER] = {"set.parameter", "set", "0A000",
		"setting configuration parameter \"%s\" not supported", "rec", true,
		REC("isolation", "set_default_isolation, set_transaction_repeatable_read")
		"; transaction.json, read_only (\"TRANSACTION\"); \"role\": obs (SET ROLE, SET LOCAL ROLE)"
	"; \"session_authorization\": issue 10 (SET SESSION AUTHORIZATION)", SEEN_0918},
	[DSQL_RULE_SHOW_LC_COLLATE] = {"show.lc_collate", "environment", "42704",
		"unrecognized configuration parameter \"%s\"", "rec", true,
	REC("environment", "env_lc_collate"), SEEN_0915},

	/* ---- statements and object kinds ---- */
	[DSQL_RULE_VACUUM] = {"statement.vacuum", "statement", "0A000",
		"unsupported VACUUM statement", "rec", true,
	REC("unsupported", "vacuum") " (ANALYZE runs: queries.json, q_analyze)", SEEN_0918},
	[DSQL_RULE_MERGE] = {"statement.merge", "statement", "0A000",
		"unsupported statement type: MERGE", "rec", true,
	OBS("statements without DSQL support (recorded)"), SEEN_OBS},
	[DSQL_RULE_CREATE_TRIGGER] = {"object.create_trigger", "object", "0A000",
		"CREATE TRIGGER not supported", "rec", true,
	REC("unsupported", "create_trigger"), SEEN_0918},
	[DSQL_RULE_CREATE_TYPE] = {"object.create_type", "object", "0A000",
		"CREATE TYPE not supported", "rec", true,
	REC("unsupported", "enum_type") "; enum.json, enum_create_type (base and shell types: same rule)", SEEN_0918},
	[DSQL_RULE_ALTER_TYPE] = {"object.alter_type", "object", "0A000",
		"ALTER TYPE not supported", "rec", true,
	REC("enum", "enum_alter_add_value"), SEEN_0915},
	[DSQL_RULE_DROP_OBJECT] = {"object.drop", "object", "0A000",
		"unsupported object in DROP statement", "rec", true,
	REC("enum", "enum_drop_if_exists") " (DROP TYPE); DROP MATERIALIZED VIEW, DROP POLICY: dsql-lint", SEEN_0915},
	[DSQL_RULE_RENAME_OBJECT] = {"object.rename", "object", "0A000",
		"unsupported object in RENAME statement", "rec", true,
	REC("enum", "enum_alter_rename") " (ALTER TYPE ... RENAME)", SEEN_0915},

	/* ---- tables, views ---- */
	[DSQL_RULE_TEMP_TABLE] = {"table.temporary", "table", "0A000",
		"TEMPORARY or TEMP table not supported for CREATE TABLE", "rec", true,
	REC("unsupported", "temporary_table"), SEEN_0918},
	[DSQL_RULE_UNLOGGED_TABLE] = {"table.unlogged", "table", "0A000",
		"UNLOGGED table not supported for CREATE TABLE", "rec", true,
	REC("unsupported", "unlogged_table"), SEEN_0918},
	[DSQL_RULE_TEMP_VIEW] = {"table.temporary_view", "table", "0A000",
		"TEMPORARY or TEMP view not supported for CREATE VIEW", "lint", false,
	LINT("UnsupportedTempView"), SEEN_LINT},
	[DSQL_RULE_PARTITIONED_TABLE] = {"table.partition", "table", "0A000",
		"PARTITION BY or PARTITION OF not supported for CREATE TABLE", "lint", false,
	LINT("PartitionBy, UnsupportedPartitionOf"), SEEN_LINT},
	[DSQL_RULE_INHERITS] = {"table.inherits", "table", "0A000",
		"INHERITS not supported for CREATE TABLE", "lint", false,
	LINT("Inherits"), SEEN_LINT},
	[DSQL_RULE_TABLESAMPLE] = {"query.tablesample", "query", "0A000",
		"TABLESAMPLE clause not supported", "rec", true,
	REC("queries", "q_tablesample"), SEEN_0918},
	[DSQL_RULE_LOCKING_CLAUSE] = {"query.locking_clause", "query", "0A000",
		"locking clauses other than FOR UPDATE/FOR KEY SHARE are not supported", "rec", true,
	REC("occ", "occ_for_share, occ_for_no_key_update"), SEEN_0915},

	/* ---- indexes ---- */
	[DSQL_RULE_INDEX_SYNC] = {"index.sync", "index", "0A000",
		"unsupported mode. please use CREATE INDEX ASYNC.", "rec", true,
	REC("index", "create_index_sync") " (on a table with rows)", SEEN_0915},
	[DSQL_RULE_INDEX_CONCURRENTLY] = {"index.concurrently", "index", "0A000",
		"unsupported mode. please use CREATE INDEX ASYNC.", "lint", false,
	LINT("IndexConcurrently"), SEEN_LINT},
	[DSQL_RULE_INDEX_METHOD] = {"index.access_method", "index", "0A000",
		"index access method \"%s\" not supported", "lint", false,
	LINT("IndexUsing (btree only)"), SEEN_LINT},

	/* ---- ALTER TABLE ---- */
	[DSQL_RULE_AT_ADD_COLUMN_CONSTRAINT] = {"alter_table.add_column_constraint", "alter_table", "0A000",
		"ALTER TABLE ADD COLUMN with constraint not supported", "rec", true,
		REC("alters", "alter_add_identity_integer")
	"; backlog.json, alter_add_column_not_null, _default, _check, _unique, alter_add_identity_bigint", SEEN_0918},
	[DSQL_RULE_AT_ADD_CONSTRAINT] = {"alter_table.add_constraint", "alter_table", "0A000",
		"unsupported ALTER TABLE ADD CONSTRAINT statement", "rec", true,
		REC("alters", "alter_add_pk_constraint, alter_add_unique_constraint, "
			"alter_add_fk_without_not_valid, alter_add_check_without_not_valid")
	" (NOT VALID FOREIGN KEY and CHECK, UNIQUE USING INDEX run)", SEEN_0918},
	[DSQL_RULE_AT_COLUMN_TYPE] = {"alter_table.column_type", "alter_table", "0A000",
		"unsupported ALTER TABLE ALTER COLUMN ... SET DATA TYPE statement", "rec", true,
	REC("alters", "alter_column_type_supported, alter_column_type_unsupported"), SEEN_0918},
	[DSQL_RULE_AT_VALIDATE] = {"alter_table.validate", "alter_table", "0A000",
		"unsupported ALTER TABLE VALIDATE CONSTRAINT statement", "rec", true,
	REC("alters", "alter_validate_constraint_sync") " (ALTER TABLE ASYNC ... VALIDATE runs)", SEEN_0918},
	[DSQL_RULE_AT_DROP_PK_COLUMN] = {"alter_table.drop_pk_column", "alter_table", "0A000",
		"cannot drop primary key column %s", "rec", true,
	REC("alters", "alter_drop_pk_column"), SEEN_0918},
	[DSQL_RULE_AT_SET_NOT_NULL] = {"alter_table.set_not_null", "alter_table", "0A000",
		"unsupported ALTER TABLE ALTER COLUMN ... SET NOT NULL statement", "lint", false,
	LINT("AtUnsupportedAlterColumnSetNotNull"), SEEN_LINT},
	[DSQL_RULE_AT_DROP_CONSTRAINT] = {"alter_table.drop_constraint", "alter_table", "0A000",
		"unsupported ALTER TABLE DROP CONSTRAINT statement", "lint", false,
	LINT("AtUnsupportedDropConstraint"), SEEN_LINT},
	[DSQL_RULE_AT_ADD_IDENTITY] = {"alter_table.add_identity", "alter_table", "0A000",
		"unsupported ALTER TABLE ALTER COLUMN ... ADD GENERATED AS IDENTITY statement", "lint", false,
	LINT("AtUnsupportedAlterColumnAddGenerated"), SEEN_LINT},
	[DSQL_RULE_AT_ROW_SECURITY] = {"alter_table.row_security", "alter_table", "0A000",
		"unsupported ALTER TABLE ... ROW LEVEL SECURITY statement", "lint", false,
	LINT("AtUnsupportedRowLevelSecurity"), SEEN_LINT},
	[DSQL_RULE_AT_REPLICA_IDENTITY] = {"alter_table.replica_identity", "alter_table", "0A000",
		"unsupported ALTER TABLE REPLICA IDENTITY statement", "lint", false,
	LINT("AtUnsupportedReplicaIdentity"), SEEN_LINT},

	/* ---- types, sequences, identity ---- */
	[DSQL_RULE_TYPE_SERIAL] = {"type.serial", "type", "42704",
		"type \"%s\" does not exist", "rec", true,
	REC("unsupported", "serial_column") "; alters.json, alter_add_column_serial", SEEN_0918},
	[DSQL_RULE_SEQUENCE_CACHE] = {"sequence.cache", "sequence", "0A000",
		"CREATE SEQUENCE is not supported without an explicit cache size. please define CACHE "
		"greater than or equal to 65536 or equal to 1", "rec", true,
		REC("supported", "create_sequence (no CACHE); create_sequence_cached, "
			"create_sequence_cache_one run")
	"; another CACHE value: dsql-lint SequenceCache", SEEN_0918},
	[DSQL_RULE_SEQUENCE_TYPE] = {"sequence.type", "sequence", "0A000",
		"datatype %s not supported, sequence type must be bigint", "lint", false,
	LINT("SequenceType"), SEEN_LINT},
	[DSQL_RULE_IDENTITY_CACHE] = {"identity.cache", "sequence", "0A000",
		"identity column is not supported without an explicit cache size. please define CACHE "
		"greater than or equal to 65536 or equal to 1", "rec", true,
		REC("supported", "identity_column; identity_column_cached, identity_bigint_by_default run")
	"; another CACHE value: dsql-lint IdentityCache", SEEN_0918},
	[DSQL_RULE_IDENTITY_TYPE] = {"identity.type", "sequence", "0A000",
		"datatype %s not supported, identity column type must be bigint", "rec", true,
	REC("supported", "identity_integer, identity_smallint"), SEEN_0918},

	/* ---- functions, procedures ---- */
	[DSQL_RULE_FUNCTION_LANGUAGE] = {"function.language", "function", "0A000",
		"CREATE FUNCTION with language %s not supported", "rec", true,
		REC("unsupported", "create_function_plpgsql; create_function (LANGUAGE sql) runs")
	"; other languages: dsql-lint UnsupportedCreateFunctionNonSql", SEEN_0918},
	[DSQL_RULE_CREATE_PROCEDURE] = {"function.create_procedure", "function", "0A000",
		"CREATE PROCEDURE not supported", "lint", false,
	LINT("UnsupportedCreateProcedure"), SEEN_LINT},

	/* ---- roles and privileges ---- */
	[DSQL_RULE_ALTER_ROLE_OPTION] = {"role.alter_option", "role", "0A000",
		"ALTER ROLE with %s not supported", "lint", false,
		LINT("UnsupportedAlterRoleProperty, UnsupportedAlterUser")
		" (INHERIT and USER succeeded in its grammar: conflict, not refused; "
	"RENAME and RESET run)", SEEN_LINT},
	[DSQL_RULE_SCHEMA_PUBLIC_GRANT] = {"privilege.schema_public", "privilege", "0A000",
		"feature not supported on system entity", "obs", true,
	OBS("GRANT USAGE ON SCHEMA public (one real cluster); issue 10"), SEEN_OBS},
	[DSQL_RULE_SCHEMA_PUBLIC_OWNER] = {"privilege.schema_public_owner", "privilege", "42501",
		"must be owner of schema public", "obs", true,
	OBS("admin does not own schema public (DROP, COMMENT)"), SEEN_OBS},
	[DSQL_RULE_DEFAULT_PRIVILEGES] = {"privilege.default_privileges_for_role", "privilege", "42501",
		"permission denied to change default privileges", "obs", true,
	OBS("ALTER DEFAULT PRIVILEGES FOR another role without membership"), SEEN_OBS},
	[DSQL_RULE_TEXT_SEARCH_ENGLISH] = {"query.text_search_english", "query", "42704",
		"text search configuration \"english\" does not exist", "rec", true,
	REC("queries", "q_fulltext_to_tsvector, q_fulltext_to_tsquery, q_fulltext_websearch"), SEEN_0918},
	[DSQL_RULE_DEALLOCATE] = {"statement.deallocate", "statement", "0A000",
		"unsupported statement: Deallocate", "lint", false,
	LINT("UnsupportedDeallocate (DEALLOCATE ALL runs)"), SEEN_LINT},

	/* ---- quotas of a database ---- */
	[DSQL_RULE_LIMIT_SCHEMAS] = {"limit.schemas", "limit", "54000",
		"schema limit exceeded: at most 10 schemas per database", "doc", false,
		"shared/reference/dsql.md, SQL restrictions: 10 schemas per database (54000), AWS documentation"
	" (public counts, sys does not, as in include/dsql/validate.hpp)", SEEN_OBS},
	[DSQL_RULE_LIMIT_TABLES] = {"limit.tables", "limit", "54000",
		"table limit exceeded: at most 1000 tables per database", "doc", false,
		"shared/reference/dsql.md, SQL restrictions: 1,000 tables, AWS documentation"
	" (SQLSTATE ours, as the schema quota's)", SEEN_OBS},

	/* ---- catalogs ---- */
	[DSQL_RULE_CATALOG_PG_DATABASE] = {"catalog.pg_database", "catalog", "42501",
		"permission denied for table pg_database", "doc", false,
		"shared/reference/dsql.md, SQL restrictions: catalogs, pg_database not readable, AWS documentation"
	" (PostgreSQL's answer for pg_authid; direct references only, as for pg_authid)", SEEN_OBS},

	/* ---- statement kinds DSQL refuses by their parse node ---- */
	{"statement.truncate", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "truncate"), SEEN_0918, NODE(Truncate)},
	{"statement.create_extension", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "create_extension"), SEEN_0918, NODE(CreateExtension)},
	{"statement.create_database", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "create_database"), SEEN_0918, NODE(Createdb)},
	{"statement.create_tablespace", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "tablespace"), SEEN_0918, NODE(CreateTableSpace)},
	{"statement.alter_system", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "alter_system"), SEEN_0918, NODE(AlterSystem)},
	{"statement.create_foreign_table", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "foreign_table"), SEEN_0918, NODE(CreateForeignTable)},
	{"statement.composite_type", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "composite_type"), SEEN_0918, NODE(CompositeType)},
	{"statement.create_range", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "range_type"), SEEN_0918, NODE(CreateRange)},
	{"statement.create_table_as", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "create_table_as, materialized_view") " (also SELECT INTO)", SEEN_0918, NODE(CreateTableAs)},
	{"statement.listen", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "listen"), SEEN_0918, NODE(Listen)},
	{"statement.notify", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "notify"), SEEN_0918, NODE(Notify)},
	{"statement.unlisten", "statement", "0A000", "unsupported statement: %s", "rec", true,
	REC("unsupported", "unlisten"), SEEN_0918, NODE(Unlisten)},
	{"statement.do", "function", "0A000", "unsupported statement: %s", "obs", false,
	"shared/reference/dsql.md: DO blocks refused on clusters probed in 2025 (0A000)", "2025", NODE(Do)},
	{"statement.create_policy", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedCreatePolicy"), SEEN_LINT, NODE(CreatePolicy)},
	{"statement.alter_policy", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedAlterPolicy"), SEEN_LINT, NODE(AlterPolicy)},
	{"statement.create_server", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedCreateServer"), SEEN_LINT, NODE(CreateForeignServer)},
	{"statement.lock", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedLockTable"), SEEN_LINT, NODE(Lock)},
	{"statement.load", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedLoad"), SEEN_LINT, NODE(Load)},
	{"statement.prepare", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedPrepare (protocol-level prepared statements run)"), SEEN_LINT, NODE(Prepare)},
	{"statement.discard", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedDiscard"), SEEN_LINT, NODE(Discard)},
	{"statement.declare_cursor", "statement", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedDeclareCursor"), SEEN_LINT, NODE(DeclareCursor)},
	{"statement.alter_function", "function", "0A000", "unsupported statement: %s", "lint", false,
	LINT("UnsupportedAlterFunctionProperty (RENAME, OWNER, SET SCHEMA run)"), SEEN_LINT, NODE(AlterFunction)},

	/* ---- data types DSQL refuses as columns (and some anywhere) ---- */
	{"type.money", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_money") "; alters.json, alter_add_column_unsupported_type", SEEN_0915, .type = MONEYOID},
	{"type.xml", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_xml"), SEEN_0915, .type = XMLOID},
	{"type.inet", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_inet") " (in queries it runs: types_runtime_inet)", SEEN_0915, .type = INETOID},
	{"type.cidr", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_cidr"), SEEN_0915, .type = CIDROID},
	{"type.macaddr", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_macaddr"), SEEN_0915, .type = MACADDROID},
	{"type.point", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_point"), SEEN_0915, .type = POINTOID},
	{"type.line", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_line") "; queries.json, q_geom_line (in a query too)", SEEN_0915,
	.type = LINEOID, .in_queries = true},
	{"type.lseg", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_lseg"), SEEN_0915, .type = LSEGOID},
	{"type.box", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_box"), SEEN_0915, .type = BOXOID},
	{"type.path", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_path"), SEEN_0915, .type = PATHOID},
	{"type.polygon", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_polygon"), SEEN_0915, .type = POLYGONOID},
	{"type.circle", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_circle") "; queries.json, q_geom_circle (in a query too)", SEEN_0915,
	.type = CIRCLEOID, .in_queries = true},
	{"type.tsvector", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_tsvector"), SEEN_0915, .type = TSVECTOROID},
	{"type.tsquery", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_tsquery"), SEEN_0915, .type = TSQUERYOID},
	{"type.pg_lsn", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_pg_lsn"), SEEN_0915, .type = PG_LSNOID},
	{"type.bit", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_bit_8"), SEEN_0915, .type = BITOID},
	{"type.varbit", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_varbit_8"), SEEN_0915, .type = VARBITOID},
	{"type.array", "type", "0A000", "datatype %s not supported", "rec", true,
		REC("types", "type_unsupported_int, type_unsupported_text")
		"; alters.json, alter_add_column_array (arrays in queries run: types_runtime_array)",
	SEEN_0915, .type = DSQL_STRICT_TYPE_ANY_ARRAY},
	{"type.range", "type", "0A000", "datatype %s not supported", "rec", true,
	REC("types", "type_unsupported_int4range, type_unsupported_tsrange"), SEEN_0915,
	.type = DSQL_STRICT_TYPE_ANY_RANGE},
};

const int	dsql_strict_rule_count = lengthof(dsql_strict_rules);

StaticAssertDecl(DSQL_RULE_FIRST_TABLE_DRIVEN <= lengthof(dsql_strict_rules),
				 "every named rule has an entry");

/* The message with its %s (at most one) replaced by arg. */
static char *
rule_message(const DsqlStrictRule *rule, const char *arg)
{
	const char *p = strstr(rule->message, "%s");
	StringInfoData buf;

	if (p == NULL)
		return pstrdup(rule->message);
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, rule->message, p - rule->message);
	appendStringInfoString(&buf, arg != NULL ? arg : "");
	appendStringInfoString(&buf, p + 2);
	return buf.data;
}

void
dsql_strict_refuse_rule(const DsqlStrictRule *rule, const char *arg)
{
	const char *s = rule->sqlstate;
	char	   *message = rule_message(rule, arg);

	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])),
			 errmsg_internal("%s", message),
			 errdetail("Strict mode, ruleset %s, rule %s (%s, %s%s).",
					   DSQL_STRICT_RULESET_NAME, rule->id, rule->certainty,
					   rule->seen,
					   rule->exact ? "" : "; the message is ours, DSQL's text is not recorded")));
	pg_unreachable();
}

void
dsql_strict_refuse(int rule, const char *arg)
{
	Assert(rule >= 0 && rule < dsql_strict_rule_count);
	dsql_strict_refuse_rule(&dsql_strict_rules[rule], arg);
}

const DsqlStrictRule *
dsql_strict_rule_for_node(NodeTag tag)
{
	int			i;

	for (i = DSQL_RULE_FIRST_TABLE_DRIVEN; i < dsql_strict_rule_count; i++)
		if (dsql_strict_rules[i].node == tag)
			return &dsql_strict_rules[i];
	return NULL;
}

const DsqlStrictRule *
dsql_strict_rule_for_type(Oid typid, bool in_queries)
{
	int			i;
	Oid			cls = InvalidOid;

	if (!OidIsValid(typid))
		return NULL;
	if (type_is_array(typid))
		cls = DSQL_STRICT_TYPE_ANY_ARRAY;
	else if (type_is_range(typid))
		cls = DSQL_STRICT_TYPE_ANY_RANGE;
	for (i = DSQL_RULE_FIRST_TABLE_DRIVEN; i < dsql_strict_rule_count; i++)
	{
		const DsqlStrictRule *r = &dsql_strict_rules[i];

		if (!OidIsValid(r->type) || (in_queries && !r->in_queries))
			continue;
		if (r->type == typid || (OidIsValid(cls) && r->type == cls))
			return r;
	}
	return NULL;
}

/*
 * sys.strict_ruleset() RETURNS TABLE (name text, recorded date, rules int,
 * strict boolean): the ruleset in force and dsql_iam.strict.
 */
Datum
dsql_iam_strict_ruleset(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = CStringGetTextDatum(DSQL_STRICT_RULESET_NAME);
	values[1] = DirectFunctionCall1(date_in, CStringGetDatum(DSQL_STRICT_RULESET_DATE));
	values[2] = Int32GetDatum(dsql_strict_rule_count);
	values[3] = BoolGetDatum(dsql_iam_strict);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/*
 * sys.strict_rules() RETURNS TABLE (id, family, sqlstate, message,
 * certainty, exact, source, seen): the whole table, for people and tests.
 */
Datum
dsql_iam_strict_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < dsql_strict_rule_count; i++)
	{
		const DsqlStrictRule *r = &dsql_strict_rules[i];
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, false};

		values[0] = CStringGetTextDatum(r->id);
		values[1] = CStringGetTextDatum(r->family);
		values[2] = CStringGetTextDatum(r->sqlstate);
		values[3] = CStringGetTextDatum(r->message);
		values[4] = CStringGetTextDatum(r->certainty);
		values[5] = BoolGetDatum(r->exact);
		values[6] = CStringGetTextDatum(r->source);
		values[7] = CStringGetTextDatum(r->seen);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
