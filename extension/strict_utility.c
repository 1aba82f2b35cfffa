/*-------------------------------------------------------------------------
 *
 * strict_utility.c
 *	  Strict mode's rules on utility statements, read from their parse
 *	  trees before PostgreSQL runs them (strict.c's ProcessUtility hook).
 *	  Each refusal names a rule of strict_rules.c; nothing here matches
 *	  statement text.  A form no rule names is left to PostgreSQL (the
 *	  policy: refuse only what DSQL was seen refusing).
 *
 *	  Transaction statements   SAVEPOINT, ROLLBACK TO, RELEASE; isolation
 *	                           levels other than REPEATABLE READ
 *	  SET / SHOW               SET TRANSACTION, default_transaction_isolation,
 *	                           role, session_authorization (DEFAULT runs),
 *	                           transaction_isolation but REPEATABLE READ;
 *	                           the same names in ALTER ROLE ... SET and
 *	                           CREATE FUNCTION ... SET;
 *	                           SHOW lc_collate (gone in PostgreSQL 16)
 *	  statement kinds          by parse node (strict_rules.c's NODE entries):
 *	                           "unsupported statement: <node>"; VACUUM
 *	  object kinds             CREATE/ALTER/DROP/RENAME TYPE, CREATE TRIGGER,
 *	                           DROP MATERIALIZED VIEW, DROP POLICY
 *	  tables                   TEMPORARY, UNLOGGED, PARTITION, INHERITS;
 *	                           column types, serial, identity columns; the
 *	                           table gets the dsql_occ access method (occ.c)
 *	  ALTER TABLE              ADD COLUMN with constraints, ADD CONSTRAINT
 *	                           forms, ALTER COLUMN TYPE, VALIDATE, DROP of a
 *	                           primary key column, and the lint-only forms
 *	  indexes                  synchronous CREATE INDEX on a table with rows,
 *	                           CONCURRENTLY, access methods other than btree
 *	  sequences                CACHE 1 or >= 65536, bigint
 *	  functions                languages other than SQL, CREATE PROCEDURE
 *	  quotas                   10 schemas, 1,000 tables per database
 *	  roles, privileges        ALTER ROLE options, GRANT/REVOKE ON SCHEMA
 *	                           public, owner-only statements on public,
 *	                           ALTER DEFAULT PRIVILEGES FOR another role
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_database.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/formatting.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "dsql_iam.h"

static bool
is_public_name(const char *name)
{
	return name != NULL && strcmp(name, "public") == 0;
}

/* ---- transactions, SET, SHOW ---- */

/* The isolation level of BEGIN / SET TRANSACTION / SESSION CHARACTERISTICS
 * options: only REPEATABLE READ. */
static void
check_isolation(List *options)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		const char *level;

		if (strcmp(def->defname, "transaction_isolation") != 0 ||
			!IsA(def->arg, A_Const))
			continue;
		level = strVal(&((A_Const *) def->arg)->val);
		if (strcmp(level, "repeatable read") == 0)
			continue;
		dsql_strict_refuse(DSQL_RULE_TX_ISOLATION, asc_toupper(level, strlen(level)));
	}
}

static void
check_transaction(TransactionStmt *stmt)
{
	switch (stmt->kind)
	{
		case TRANS_STMT_SAVEPOINT:
			dsql_strict_refuse(DSQL_RULE_TX_SAVEPOINT, NULL);
			break;
		case TRANS_STMT_ROLLBACK_TO:
			dsql_strict_refuse(DSQL_RULE_TX_ROLLBACK_TO, NULL);
			break;
		case TRANS_STMT_RELEASE:
			dsql_strict_refuse(DSQL_RULE_TX_RELEASE, NULL);
			break;
		case TRANS_STMT_BEGIN:
		case TRANS_STMT_START:
			check_isolation(stmt->options);
			break;
		default:
			break;
	}
}

static void
check_set(VariableSetStmt *stmt)
{
	const char *value = NULL;

	if (stmt->kind == VAR_SET_MULTI)
	{
		if (strcmp(stmt->name, "TRANSACTION") == 0)
		{
			check_isolation(stmt->args);
			dsql_strict_refuse(DSQL_RULE_SET_PARAMETER, stmt->name);
		}
		/* SET SESSION CHARACTERISTICS AS TRANSACTION ran on DSQL (grammar) */
		if (strcmp(stmt->name, "SESSION CHARACTERISTICS") == 0)
			check_isolation(stmt->args);
		return;
	}
	if (stmt->kind == VAR_RESET || stmt->kind == VAR_RESET_ALL || stmt->name == NULL)
		return;
	/* SET SESSION AUTHORIZATION DEFAULT ran on DSQL (issue 10) */
	if (strcmp(stmt->name, "session_authorization") == 0 && stmt->kind == VAR_SET_DEFAULT)
		return;
	if (stmt->kind == VAR_SET_VALUE && list_length(stmt->args) == 1 &&
		IsA(linitial(stmt->args), A_Const) &&
		IsA(&((A_Const *) linitial(stmt->args))->val, String))
		value = strVal(&((A_Const *) linitial(stmt->args))->val);
	dsql_strict_check_parameter(stmt->name, value);
}

/*
 * The parameters no path may set in a strict session: SET (check_set),
 * set_config() with a constant name (strict_query.c), ALTER ROLE ... SET and
 * a function's SET clause (check_stored_set).  A name computed at run time,
 * a function's SET clause stored before strict mode or a startup option
 * reach strict.c's
 * check of the session state instead.  transaction_isolation is refused
 * only for a level DSQL refuses (SET transaction_isolation itself is not
 * recorded either way; the level is).
 */
void
dsql_strict_check_parameter(const char *name, const char *value)
{
	if (pg_strcasecmp(name, "default_transaction_isolation") == 0 ||
		pg_strcasecmp(name, "role") == 0 ||
		pg_strcasecmp(name, "session_authorization") == 0)
		dsql_strict_refuse(DSQL_RULE_SET_PARAMETER, asc_tolower(name, strlen(name)));
	if (pg_strcasecmp(name, "transaction_isolation") == 0 && value != NULL &&
		pg_strcasecmp(value, "repeatable read") != 0)
		dsql_strict_refuse(DSQL_RULE_TX_ISOLATION, asc_toupper(value, strlen(value)));
}

/*
 * A setting stored for later (ALTER ROLE ... SET, CREATE FUNCTION ... SET):
 * the names SET refuses are refused here too, rather than stored to fail
 * at each login or call.  Other names are stored as before (README).
 */
static void
check_stored_set(VariableSetStmt *stmt)
{
	const char *value = NULL;

	/* TO DEFAULT stores nothing; FROM CURRENT stores the current value */
	if (stmt == NULL || stmt->name == NULL ||
		(stmt->kind != VAR_SET_VALUE && stmt->kind != VAR_SET_CURRENT))
		return;
	if (list_length(stmt->args) == 1 && IsA(linitial(stmt->args), A_Const) &&
		IsA(&((A_Const *) linitial(stmt->args))->val, String))
		value = strVal(&((A_Const *) linitial(stmt->args))->val);
	dsql_strict_check_parameter(stmt->name, value);
}

/* ---- quotas: schemas and tables of a database ---- */

/*
 * Whether a schema counts against DSQL's quotas: the user's schemas, public
 * included (the DSL's count, include/dsql/validate.hpp: nine schemas and
 * public make ten); not PostgreSQL's (pg_*, information_schema) nor sys,
 * DSQL's own system schema (ours holds the extension).
 */
static bool
is_user_schema(Form_pg_namespace nsp)
{
	const char *name = NameStr(nsp->nspname);

	return strncmp(name, "pg_", 3) != 0 &&
		strcmp(name, "information_schema") != 0 &&
		strcmp(name, "sys") != 0;
}

static int
count_user_schemas(void)
{
	Relation	rel = table_open(NamespaceRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	int			n = 0;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		if (is_user_schema((Form_pg_namespace) GETSTRUCT(tup)))
			n++;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return n;
}

/* Tables (plain and partitioned) in the schemas count_user_schemas counts. */
static int
count_user_tables(void)
{
	Relation	rel = table_open(RelationRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	int			n = 0;
	Oid			last_nsp = InvalidOid;
	bool		last_counts = false;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);

		if (cls->relkind != RELKIND_RELATION && cls->relkind != RELKIND_PARTITIONED_TABLE)
			continue;
		if (cls->relnamespace != last_nsp)
		{
			HeapTuple	ntup = SearchSysCache1(NAMESPACEOID,
											   ObjectIdGetDatum(cls->relnamespace));

			last_nsp = cls->relnamespace;
			last_counts = HeapTupleIsValid(ntup) &&
				is_user_schema((Form_pg_namespace) GETSTRUCT(ntup));
			if (HeapTupleIsValid(ntup))
				ReleaseSysCache(ntup);
		}
		if (last_counts)
			n++;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return n;
}

/*
 * Serialises the creators counted against one quota until they commit: a
 * transaction-level ExclusiveLock on a fixed object of this database (the
 * database's own OID as a database-local object, sub-id 1 for schemas, 2
 * for tables; nothing else takes it).  A second creator waits here for the
 * first to end, then counts with a fresh catalog snapshot (the scans below
 * use the catalog snapshot, not the transaction's), so it sees the
 * committed object.  CREATE SCHEMA with elements takes 1 then 2: one order.
 */
#define QUOTA_LOCK_SCHEMAS	1
#define QUOTA_LOCK_TABLES	2

static void
lock_quota(uint16 which)
{
	LockDatabaseObject(DatabaseRelationId, MyDatabaseId, which, ExclusiveLock);
	AcceptInvalidationMessages();
	InvalidateCatalogSnapshot();
}

static void
check_create_schema(CreateSchemaStmt *stmt)
{
	/* IF NOT EXISTS of an existing schema creates nothing */
	if (stmt->if_not_exists && stmt->schemaname != NULL &&
		OidIsValid(get_namespace_oid(stmt->schemaname, true)))
		return;
	lock_quota(QUOTA_LOCK_SCHEMAS);
	if (count_user_schemas() >= DSQL_STRICT_MAX_SCHEMAS)
		dsql_strict_refuse(DSQL_RULE_LIMIT_SCHEMAS, NULL);
}

static void
check_table_quota(CreateStmt *stmt)
{
	if (stmt->if_not_exists &&
		OidIsValid(RangeVarGetRelid(stmt->relation, NoLock, true)))
		return;
	lock_quota(QUOTA_LOCK_TABLES);
	if (count_user_tables() >= DSQL_STRICT_MAX_TABLES)
		dsql_strict_refuse(DSQL_RULE_LIMIT_TABLES, NULL);
}

/* ---- tables and columns ---- */

/* The name of a serial pseudo-type, as written, or NULL. */
static const char *
serial_name(TypeName *tn)
{
	const char *name;
	int			n = list_length(tn->names);

	if (tn->arrayBounds != NIL || tn->typmods != NIL || n == 0 || n > 2)
		return NULL;
	if (n == 2 && strcmp(strVal(linitial(tn->names)), "pg_catalog") != 0)
		return NULL;
	name = strVal(llast(tn->names));
	if (strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0 ||
		strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0 ||
		strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0)
		return name;
	return NULL;
}

/* The type a column names, or InvalidOid when it names none (core reports). */
static Oid
column_type(TypeName *tn)
{
	int32		typmod;
	Type		tup = LookupTypeName(NULL, tn, &typmod, true);
	Oid			typid;

	if (tup == NULL)
		return InvalidOid;
	typid = typeTypeId(tup);
	ReleaseSysCache(tup);
	return typid;
}

/* CACHE of sequence options: missing, or 1 or >= 65536 (DSQL's values). */
static bool
cache_ok(List *options)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "cache") == 0)
		{
			int64		v = defGetInt64(def);

			return v == 1 || v >= 65536;
		}
	}
	return false;
}

static void
check_column(ColumnDef *col, bool alter_add)
{
	const char *serial;
	Oid			typid;
	const DsqlStrictRule *rule;
	ListCell   *lc;

	if (alter_add && (col->constraints != NIL || col->raw_default != NULL ||
					  col->identity != '\0' || col->generated != '\0'))
		dsql_strict_refuse(DSQL_RULE_AT_ADD_COLUMN_CONSTRAINT, NULL);
	if (col->typeName == NULL)
		return;
	if ((serial = serial_name(col->typeName)) != NULL)
		dsql_strict_refuse(DSQL_RULE_TYPE_SERIAL, serial);
	typid = column_type(col->typeName);
	if ((rule = dsql_strict_rule_for_type(typid, false)) != NULL)
		dsql_strict_refuse_rule(rule, format_type_be(typid));

	foreach(lc, col->constraints)
	{
		Constraint *c = lfirst(lc);

		if (!IsA(c, Constraint) || c->contype != CONSTR_IDENTITY)
			continue;
		if (OidIsValid(typid) && typid != INT8OID)
			dsql_strict_refuse(DSQL_RULE_IDENTITY_TYPE, format_type_be(typid));
		if (!cache_ok(c->options))
			dsql_strict_refuse(DSQL_RULE_IDENTITY_CACHE, NULL);
	}
}

/*
 * CREATE TABLE: the forms DSQL refuses, then the columns.  Returns a copy
 * using the dsql_occ access method (occ.c) when none is named and the
 * extension is created here, else NULL.
 */
static Node *
check_create_table(CreateStmt *stmt)
{
	ListCell   *lc;
	CreateStmt *copy;

	if (stmt->relation->relpersistence == RELPERSISTENCE_TEMP)
		dsql_strict_refuse(DSQL_RULE_TEMP_TABLE, NULL);
	if (stmt->relation->relpersistence == RELPERSISTENCE_UNLOGGED)
		dsql_strict_refuse(DSQL_RULE_UNLOGGED_TABLE, NULL);
	if (stmt->partspec != NULL || stmt->partbound != NULL)
		dsql_strict_refuse(DSQL_RULE_PARTITIONED_TABLE, NULL);
	if (stmt->inhRelations != NIL)
		dsql_strict_refuse(DSQL_RULE_INHERITS, NULL);
	foreach(lc, stmt->tableElts)
	{
		if (IsA(lfirst(lc), ColumnDef))
			check_column(lfirst_node(ColumnDef, lc), false);
	}
	check_table_quota(stmt);

	if (stmt->accessMethod != NULL ||
		!OidIsValid(get_table_am_oid(DSQL_OCC_AM_NAME, true)))
		return NULL;
	copy = copyObject(stmt);
	copy->accessMethod = pstrdup(DSQL_OCC_AM_NAME);
	return (Node *) copy;
}

/* Whether column name of relation rv belongs to its primary key. */
static bool
is_primary_key_column(RangeVar *rv, const char *name)
{
	Oid			relid = RangeVarGetRelid(rv, AccessShareLock, true);
	Relation	rel;
	Bitmapset  *pk;
	AttrNumber	attnum;
	bool		result;

	if (!OidIsValid(relid) || name == NULL)
		return false;
	attnum = get_attnum(relid, name);
	if (attnum == InvalidAttrNumber)
		return false;
	rel = table_open(relid, NoLock);
	pk = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
	result = bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, pk);
	table_close(rel, NoLock);
	return result;
}

static void
check_add_constraint(Constraint *c)
{
	switch (c->contype)
	{
		case CONSTR_PRIMARY:
			/* USING INDEX too: dsql-lint AtUnsupportedPrimaryKeyUsingIndex */
			dsql_strict_refuse(DSQL_RULE_AT_ADD_CONSTRAINT, NULL);
			break;
		case CONSTR_UNIQUE:
			if (c->indexname == NULL)	/* UNIQUE USING INDEX runs */
				dsql_strict_refuse(DSQL_RULE_AT_ADD_CONSTRAINT, NULL);
			break;
		case CONSTR_FOREIGN:
		case CONSTR_CHECK:
			if (!c->skip_validation)	/* NOT VALID runs */
				dsql_strict_refuse(DSQL_RULE_AT_ADD_CONSTRAINT, NULL);
			break;
		default:
			break;
	}
}

static void
check_alter_table(AlterTableStmt *stmt)
{
	ListCell   *lc;

	if (stmt->objtype == OBJECT_TYPE)
		dsql_strict_refuse(DSQL_RULE_ALTER_TYPE, NULL);
	if (stmt->objtype != OBJECT_TABLE)
		return;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				if (IsA(cmd->def, ColumnDef))
					check_column((ColumnDef *) cmd->def, true);
				break;
			case AT_AddConstraint:
				if (IsA(cmd->def, Constraint))
					check_add_constraint((Constraint *) cmd->def);
				break;
			case AT_AlterColumnType:
				dsql_strict_refuse(DSQL_RULE_AT_COLUMN_TYPE, NULL);
				break;
			case AT_ValidateConstraint:
				dsql_strict_refuse(DSQL_RULE_AT_VALIDATE, NULL);
				break;
			case AT_DropColumn:
				if (is_primary_key_column(stmt->relation, cmd->name))
					dsql_strict_refuse(DSQL_RULE_AT_DROP_PK_COLUMN, cmd->name);
				break;
			case AT_SetNotNull:
				dsql_strict_refuse(DSQL_RULE_AT_SET_NOT_NULL, NULL);
				break;
			case AT_DropConstraint:
				dsql_strict_refuse(DSQL_RULE_AT_DROP_CONSTRAINT, NULL);
				break;
			case AT_AddIdentity:
				dsql_strict_refuse(DSQL_RULE_AT_ADD_IDENTITY, NULL);
				break;
			case AT_EnableRowSecurity:
			case AT_DisableRowSecurity:
			case AT_ForceRowSecurity:
			case AT_NoForceRowSecurity:
				dsql_strict_refuse(DSQL_RULE_AT_ROW_SECURITY, NULL);
				break;
			case AT_ReplicaIdentity:
				dsql_strict_refuse(DSQL_RULE_AT_REPLICA_IDENTITY, NULL);
				break;
			default:
				break;
		}
	}
}

/* ---- indexes ---- */

/* Whether the table an index is built on has a row visible now. */
static bool
table_has_rows(RangeVar *rv)
{
	Oid			relid = RangeVarGetRelid(rv, AccessShareLock, true);
	Relation	rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	Snapshot	snapshot;
	bool		found = false;

	if (!OidIsValid(relid))
		return false;			/* core reports it */
	rel = table_open(relid, NoLock);
	if (rel->rd_rel->relkind == RELKIND_RELATION ||
		rel->rd_rel->relkind == RELKIND_MATVIEW)
	{
		snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
		slot = table_slot_create(rel, NULL);
		scan = table_beginscan(rel, snapshot, 0, NULL);
		found = table_scan_getnextslot(scan, ForwardScanDirection, slot);
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
	}
	table_close(rel, NoLock);
	return found;
}

void
dsql_strict_check_index(IndexStmt *stmt, bool check_rows)
{
	if (stmt->concurrent)
		dsql_strict_refuse(DSQL_RULE_INDEX_CONCURRENTLY, NULL);
	if (stmt->accessMethod != NULL && strcmp(stmt->accessMethod, "btree") != 0)
		dsql_strict_refuse(DSQL_RULE_INDEX_METHOD, stmt->accessMethod);
	if (check_rows && table_has_rows(stmt->relation))
		dsql_strict_refuse(DSQL_RULE_INDEX_SYNC, NULL);
}

/* ---- sequences, functions ---- */

static void
check_sequence(CreateSeqStmt *stmt)
{
	ListCell   *lc;

	if (stmt->for_identity)
		return;					/* checked with its column */
	if (!cache_ok(stmt->options))
		dsql_strict_refuse(DSQL_RULE_SEQUENCE_CACHE, NULL);
	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		Oid			typid;

		if (strcmp(def->defname, "as") != 0)
			continue;
		typid = typenameTypeId(NULL, defGetTypeName(def));
		if (typid != INT8OID)
			dsql_strict_refuse(DSQL_RULE_SEQUENCE_TYPE, format_type_be(typid));
	}
}

static void
check_function(CreateFunctionStmt *stmt)
{
	ListCell   *lc;
	const char *language = "sql";

	if (stmt->is_procedure)
		dsql_strict_refuse(DSQL_RULE_CREATE_PROCEDURE, NULL);
	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "language") == 0)
			language = defGetString(def);
		else if (strcmp(def->defname, "set") == 0 && IsA(def->arg, VariableSetStmt))
			check_stored_set((VariableSetStmt *) def->arg);
	}
	if (pg_strcasecmp(language, "sql") != 0)
		dsql_strict_refuse(DSQL_RULE_FUNCTION_LANGUAGE, language);
}

/* Runs the query rules on every Query of a stored SQL-standard body. */
static void
check_body_node(Node *node)
{
	ListCell   *lc;

	if (node == NULL)
		return;
	if (IsA(node, Query))
		dsql_strict_check_query((Query *) node);
	else if (IsA(node, List))
	{
		/* BEGIN ATOMIC: a List holding one List of Query (pg_proc.c) */
		foreach(lc, (List *) node)
			check_body_node((Node *) lfirst(lc));
	}
}

/*
 * A SQL-standard body (BEGIN ATOMIC ... END, RETURN expr) is analysed at
 * CREATE FUNCTION by transformStmt() directly, never through the
 * post_parse_analyze hook, and its stored trees run without re-analysis:
 * so the query rules run here, after PostgreSQL has stored it, on the
 * pg_proc rows this transaction wrote under the function's name (CREATE
 * and CREATE OR REPLACE).  A refusal is an ERROR that rolls back the CREATE.
 */
void
dsql_strict_check_function_body(CreateFunctionStmt *stmt)
{
	char	   *procname;
	Oid			nspid;
	TransactionId xid = GetCurrentTransactionIdIfAny();
	CatCList   *list;
	int			i;

	if (stmt->sql_body == NULL || !TransactionIdIsValid(xid))
		return;
	CommandCounterIncrement();
	nspid = QualifiedNameGetCreationNamespace(stmt->funcname, &procname);
	list = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(procname));
	PG_TRY();
	{
		for (i = 0; i < list->n_members; i++)
		{
			HeapTuple	tup = &list->members[i]->tuple;
			Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
			Datum		body;
			bool		isnull;

			if (proc->pronamespace != nspid ||
				!TransactionIdEquals(HeapTupleHeaderGetXmin(tup->t_data), xid))
				continue;
			body = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosqlbody, &isnull);
			if (isnull)
				continue;
			check_body_node((Node *) stringToNode(TextDatumGetCString(body)));
		}
	}
	PG_FINALLY();
	{
		ReleaseSysCacheList(list);
	}
	PG_END_TRY();
}

/* Runs the query rules on the expressions of one catalog written now. */
static void
check_stored_exprs_of(Oid catalog, AttrNumber attnum, TransactionId xid)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Datum		d;
		bool		isnull;

		if (!TransactionIdEquals(HeapTupleHeaderGetXmin(tup->t_data), xid))
			continue;
		d = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);
		if (!isnull)
			dsql_strict_check_expr((Node *) stringToNode(TextDatumGetCString(d)));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * Column DEFAULTs and CHECK constraints are analysed by
 * cookDefault()/cookConstraint(), not through the post_parse_analyze hook:
 * after CREATE/ALTER TABLE and CREATE/ALTER DOMAIN, the rows this
 * transaction wrote in pg_attrdef and pg_constraint meet the query rules
 * (a domain's DEFAULT, kept in pg_type, does not).
 */
void
dsql_strict_check_stored_exprs(void)
{
	TransactionId xid = GetCurrentTransactionIdIfAny();

	if (!TransactionIdIsValid(xid))
		return;
	CommandCounterIncrement();
	check_stored_exprs_of(AttrDefaultRelationId, Anum_pg_attrdef_adbin, xid);
	check_stored_exprs_of(ConstraintRelationId, Anum_pg_constraint_conbin, xid);
}

/* ---- roles and privileges ---- */

/* The keyword of an ALTER ROLE option, as a person wrote it. */
static const char *
role_option_keyword(DefElem *def)
{
	static const struct
	{
		const char *defname;
		const char *yes;
		const char *no;
	}			names[] = {
		{"superuser", "SUPERUSER", "NOSUPERUSER"},
		{"createrole", "CREATEROLE", "NOCREATEROLE"},
		{"createdb", "CREATEDB", "NOCREATEDB"},
		{"canlogin", "LOGIN", "NOLOGIN"},
		{"isreplication", "REPLICATION", "NOREPLICATION"},
		{"bypassrls", "BYPASSRLS", "NOBYPASSRLS"},
		{"inherit", "INHERIT", "NOINHERIT"},
	};
	size_t		i;

	for (i = 0; i < lengthof(names); i++)
		if (strcmp(def->defname, names[i].defname) == 0)
			return defGetBoolean(def) ? names[i].yes : names[i].no;
	if (strcmp(def->defname, "password") == 0)
		return "PASSWORD";
	if (strcmp(def->defname, "connectionlimit") == 0)
		return "CONNECTION LIMIT";
	if (strcmp(def->defname, "validUntil") == 0)
		return "VALID UNTIL";
	return def->defname;
}

static void
check_alter_role(AlterRoleStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		/* INHERIT and USER role_list succeeded on DSQL (dsql-lint's grammar) */
		if (strcmp(def->defname, "rolemembers") == 0)
			continue;
		if (strcmp(def->defname, "inherit") == 0 && defGetBoolean(def))
			continue;
		dsql_strict_refuse(DSQL_RULE_ALTER_ROLE_OPTION, role_option_keyword(def));
	}
}

static void
check_grant(GrantStmt *stmt)
{
	ListCell   *lc;

	if (stmt->targtype != ACL_TARGET_OBJECT || stmt->objtype != OBJECT_SCHEMA)
		return;
	foreach(lc, stmt->objects)
	{
		if (IsA(lfirst(lc), String) && is_public_name(strVal(lfirst(lc))))
			dsql_strict_refuse(DSQL_RULE_SCHEMA_PUBLIC_GRANT, NULL);
	}
}

static void
check_default_privileges(AlterDefaultPrivilegesStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		ListCell   *lc2;

		if (strcmp(def->defname, "roles") != 0)
			continue;
		foreach(lc2, (List *) def->arg)
		{
			Oid			roleid = get_rolespec_oid(lfirst(lc2), true);

			/* PostgreSQL 16's rule and message (15 says "must be member") */
			if (OidIsValid(roleid) && !has_privs_of_role(GetUserId(), roleid))
				dsql_strict_refuse(DSQL_RULE_DEFAULT_PRIVILEGES, NULL);
		}
	}
}

/* ---- object kinds ---- */

static void
check_drop(DropStmt *stmt)
{
	ListCell   *lc;

	switch (stmt->removeType)
	{
		case OBJECT_TYPE:
		case OBJECT_MATVIEW:
		case OBJECT_POLICY:
			dsql_strict_refuse(DSQL_RULE_DROP_OBJECT, NULL);
			break;
		case OBJECT_SCHEMA:
			foreach(lc, stmt->objects)
			{
				if (IsA(lfirst(lc), String) && is_public_name(strVal(lfirst(lc))))
					dsql_strict_refuse(DSQL_RULE_SCHEMA_PUBLIC_OWNER, NULL);
			}
			break;
		default:
			break;
	}
}

Node *
dsql_strict_check_utility(Node *parsetree, bool toplevel)
{
	const DsqlStrictRule *rule;

	switch (nodeTag(parsetree))
	{
		case T_TransactionStmt:
			check_transaction((TransactionStmt *) parsetree);
			break;
		case T_VariableSetStmt:
			check_set((VariableSetStmt *) parsetree);
			break;
		case T_VariableShowStmt:
			if (strcmp(((VariableShowStmt *) parsetree)->name, "lc_collate") == 0)
				dsql_strict_refuse(DSQL_RULE_SHOW_LC_COLLATE, "lc_collate");
			break;
		case T_VacuumStmt:
			if (((VacuumStmt *) parsetree)->is_vacuumcmd)
				dsql_strict_refuse(DSQL_RULE_VACUUM, NULL);
			break;
		case T_CreateTrigStmt:
			dsql_strict_refuse(DSQL_RULE_CREATE_TRIGGER, NULL);
			break;
		case T_CreateEnumStmt:
			dsql_strict_refuse(DSQL_RULE_CREATE_TYPE, NULL);
			break;
		case T_DefineStmt:
			if (((DefineStmt *) parsetree)->kind == OBJECT_TYPE)
				dsql_strict_refuse(DSQL_RULE_CREATE_TYPE, NULL);
			break;
		case T_AlterEnumStmt:
		case T_AlterTypeStmt:
			dsql_strict_refuse(DSQL_RULE_ALTER_TYPE, NULL);
			break;
		case T_DropStmt:
			check_drop((DropStmt *) parsetree);
			break;
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				if (stmt->renameType == OBJECT_TYPE)
					dsql_strict_refuse(DSQL_RULE_RENAME_OBJECT, NULL);
				if (stmt->renameType == OBJECT_SCHEMA && is_public_name(stmt->subname))
					dsql_strict_refuse(DSQL_RULE_SCHEMA_PUBLIC_OWNER, NULL);
			}
			break;
		case T_CreateStmt:
			return check_create_table((CreateStmt *) parsetree);
		case T_CreateSchemaStmt:
			check_create_schema((CreateSchemaStmt *) parsetree);
			break;
		case T_ViewStmt:
			if (((ViewStmt *) parsetree)->view->relpersistence == RELPERSISTENCE_TEMP)
				dsql_strict_refuse(DSQL_RULE_TEMP_VIEW, NULL);
			break;
		case T_AlterTableStmt:
			check_alter_table((AlterTableStmt *) parsetree);
			break;
		case T_IndexStmt:
			dsql_strict_check_index((IndexStmt *) parsetree, toplevel);
			break;
		case T_CreateSeqStmt:
			check_sequence((CreateSeqStmt *) parsetree);
			break;
		case T_CreateFunctionStmt:
			check_function((CreateFunctionStmt *) parsetree);
			break;
		case T_AlterRoleStmt:
			check_alter_role((AlterRoleStmt *) parsetree);
			break;
		case T_AlterRoleSetStmt:
			check_stored_set(((AlterRoleSetStmt *) parsetree)->setstmt);
			break;
		case T_GrantStmt:
			check_grant((GrantStmt *) parsetree);
			break;
		case T_AlterDefaultPrivilegesStmt:
			check_default_privileges((AlterDefaultPrivilegesStmt *) parsetree);
			break;
		case T_CommentStmt:
			{
				CommentStmt *stmt = (CommentStmt *) parsetree;

				if (stmt->objtype == OBJECT_SCHEMA && IsA(stmt->object, String) &&
					is_public_name(strVal(stmt->object)))
					dsql_strict_refuse(DSQL_RULE_SCHEMA_PUBLIC_OWNER, NULL);
			}
			break;
		case T_AlterOwnerStmt:
			{
				AlterOwnerStmt *stmt = (AlterOwnerStmt *) parsetree;

				if (stmt->objectType == OBJECT_SCHEMA && IsA(stmt->object, String) &&
					is_public_name(strVal(stmt->object)))
					dsql_strict_refuse(DSQL_RULE_SCHEMA_PUBLIC_OWNER, NULL);
			}
			break;
		case T_DeallocateStmt:
			if (((DeallocateStmt *) parsetree)->name != NULL)
				dsql_strict_refuse(DSQL_RULE_DEALLOCATE, NULL);
			break;
		default:
			if ((rule = dsql_strict_rule_for_node(nodeTag(parsetree))) != NULL)
				dsql_strict_refuse_rule(rule, rule->node_name);
			break;
	}
	return NULL;
}
