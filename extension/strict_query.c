/*-------------------------------------------------------------------------
 *
 * strict_query.c
 *	  Strict mode's rules on analysed queries (strict.c's
 *	  post_parse_analyze_hook), and DSQL's version(): every Query of the
 *	  tree (subqueries, CTEs, EXPLAIN's and DECLARE's queries) is walked once.
 *
 *	  MERGE                      "unsupported statement type: MERGE"
 *	  FOR SHARE, FOR NO KEY UPDATE  refused; FOR UPDATE, FOR KEY SHARE run
 *	  TABLESAMPLE                refused
 *	  line, circle values        refused anywhere (recorded in queries; the
 *	                             other column-only types run in queries)
 *	  regconfig 'english'        42704, as DSQL has no such configuration
 *	  pg_catalog.pg_database     42501, as pg_authid answers (a direct
 *	                             reference; views over it run, as over
 *	                             pg_authid)
 *	  set_config(name, ...)      with a constant name: SET's rules
 *	                             (dsql_strict_check_parameter)
 *	  version()                  calls sys.version() instead: the function
 *	                             reference in the tree is replaced, so
 *	                             SELECT version() says "PostgreSQL 16.15 ..."
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_database.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"

#include "dsql_iam.h"

typedef struct WalkContext
{
	Oid			version_fn;		/* sys.version(), looked up on first use */
	bool		version_looked_up;
} WalkContext;

static bool strict_walker(Node *node, WalkContext *ctx);

static void
check_type(Oid typid)
{
	const DsqlStrictRule *rule;

	/* cheap first test: only a few types are refused in queries */
	if (typid != LINEOID && typid != CIRCLEOID)
		return;
	if ((rule = dsql_strict_rule_for_type(typid, true)) != NULL)
		dsql_strict_refuse_rule(rule, format_type_be(typid));
}

static void
check_regconfig(Const *c)
{
	HeapTuple	tup;
	bool		english;

	if (c->constisnull)
		return;
	tup = SearchSysCache1(TSCONFIGOID, c->constvalue);
	if (!HeapTupleIsValid(tup))
		return;
	english = strcmp(NameStr(((Form_pg_ts_config) GETSTRUCT(tup))->cfgname), "english") == 0;
	ReleaseSysCache(tup);
	if (english)
		dsql_strict_refuse(DSQL_RULE_TEXT_SEARCH_ENGLISH, NULL);
}

/*
 * pg_catalog.set_config(name, value, is_local) with a constant name: the
 * same rules as SET.  A name computed at run time is not refused here
 * (set_config of search_path and the like is ordinary); what it could
 * change is refused by strict.c's check of the session state.
 */
static void
check_set_config(FuncExpr *f)
{
	Node	   *name = list_length(f->args) >= 1 ? linitial(f->args) : NULL;
	Node	   *value = list_length(f->args) >= 2 ? lsecond(f->args) : NULL;
	char	   *value_text = NULL;

	if (name == NULL || !IsA(name, Const) || ((Const *) name)->constisnull ||
		((Const *) name)->consttype != TEXTOID)
		return;
	if (value != NULL && IsA(value, Const) && !((Const *) value)->constisnull &&
		((Const *) value)->consttype == TEXTOID)
		value_text = TextDatumGetCString(((Const *) value)->constvalue);
	dsql_strict_check_parameter(TextDatumGetCString(((Const *) name)->constvalue),
								value_text);
}

static void
check_one_query(Query *query, WalkContext *ctx)
{
	ListCell   *lc;

	if (query->commandType == CMD_MERGE)
		dsql_strict_refuse(DSQL_RULE_MERGE, NULL);
	foreach(lc, query->rowMarks)
	{
		RowMarkClause *rc = lfirst_node(RowMarkClause, lc);

		if (rc->strength == LCS_FORSHARE || rc->strength == LCS_FORNOKEYUPDATE)
			dsql_strict_refuse(DSQL_RULE_LOCKING_CLAUSE, NULL);
	}
	if (query->commandType == CMD_UTILITY && query->utilityStmt != NULL)
	{
		/* the query inside EXPLAIN and DECLARE CURSOR is analysed already */
		if (IsA(query->utilityStmt, ExplainStmt))
			(void) strict_walker(((ExplainStmt *) query->utilityStmt)->query, ctx);
		else if (IsA(query->utilityStmt, DeclareCursorStmt))
			(void) strict_walker(((DeclareCursorStmt *) query->utilityStmt)->query, ctx);
	}
}

static bool
strict_walker(Node *node, WalkContext *ctx)
{
	if (node == NULL)
		return false;
	switch (nodeTag(node))
	{
		case T_Query:
			check_one_query((Query *) node, ctx);
			return query_tree_walker((Query *) node, strict_walker, (void *) ctx,
									 QTW_EXAMINE_RTES_BEFORE);
		case T_RangeTblEntry:
			{
				RangeTblEntry *rte = (RangeTblEntry *) node;

				if (rte->tablesample != NULL)
					dsql_strict_refuse(DSQL_RULE_TABLESAMPLE, NULL);
				if (rte->rtekind == RTE_RELATION && rte->relid == DatabaseRelationId)
					dsql_strict_refuse(DSQL_RULE_CATALOG_PG_DATABASE, NULL);
			}
			return false;
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) node;

				if (f->funcid == F_SET_CONFIG)
					check_set_config(f);
				if (f->funcid == F_VERSION)
				{
					if (!ctx->version_looked_up)
					{
						ctx->version_fn = dsql_iam_version_function();
						ctx->version_looked_up = true;
					}
					if (OidIsValid(ctx->version_fn))
						f->funcid = ctx->version_fn;
				}
				check_type(f->funcresulttype);
			}
			break;
		case T_OpExpr:
			check_type(((OpExpr *) node)->opresulttype);
			break;
		case T_CoerceViaIO:
			check_type(((CoerceViaIO *) node)->resulttype);
			break;
		case T_Const:
			check_type(((Const *) node)->consttype);
			if (((Const *) node)->consttype == REGCONFIGOID)
				check_regconfig((Const *) node);
			break;
		case T_Var:
			check_type(((Var *) node)->vartype);
			break;
		default:
			break;
	}
	return expression_tree_walker(node, strict_walker, (void *) ctx);
}

void
dsql_strict_check_query(Query *query)
{
	WalkContext ctx = {InvalidOid, false};

	(void) strict_walker((Node *) query, &ctx);
}

/*
 * The same rules on an expression analysed without the hook (a column
 * DEFAULT, a CHECK constraint, read back from the catalogs: strict.c).
 */
void
dsql_strict_check_expr(Node *expr)
{
	WalkContext ctx = {InvalidOid, false};

	(void) strict_walker(expr, &ctx);
}
