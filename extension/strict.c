/*-------------------------------------------------------------------------
 *
 * strict.c
 *	  Strict mode: the local cluster refuses what Aurora DSQL refuses.  This
 *	  file owns the mode (GUCs), the hooks that enforce the ruleset
 *	  (strict_rules.c) on parse trees and executor state, and the state of
 *	  the current transaction.  Every hook chains the previous one.
 *
 * Who is strict
 *	  Every client session while dsql_iam.strict is on, but a session that
 *	  logged in as the bootstrap superuser (OID 10, the hidden plumbing of
 *	  the local emulation; SET SESSION AUTHORIZATION does not change that),
 *	  and nothing while one of our own internal operations runs (jobs.c).
 *	  dsql_iam.strict is PGC_SIGHUP: admin cannot turn it off for itself;
 *	  `dsqlctl local strict on|off` changes it with ALTER SYSTEM and a reload
 *	  (no restart).  Rules follow the setting at once; the session
 *	  environment (environment.c) is chosen when a session starts.
 *
 * Where each rule is enforced (never by matching statement text)
 *	  post_parse_analyze_hook   analysed queries: strict_query.c
 *	  ProcessUtility_hook       SQL-standard function bodies, column
 *	                            DEFAULTs and CHECKs, after they are stored
 *	                            (never seen by the hook above)
 *	  ProcessUtility_hook       utility statements: strict_utility.c; DDL
 *	                            counting; COPY FROM rows
 *	  ExecutorStart_hook        DML counting (DDL and DML never mixed)
 *	  ProcessUtility_hook, ExecutorStart_hook, COMMIT
 *	                            the session state SET's rules protect (a
 *	                            role, the isolation level), reached by any
 *	                            path (check_session_state)
 *	  ExecutorRun_hook          rows per transaction
 *	  XactCallback              conflicts (40001 at COMMIT), age, reset
 *	  occ.c (table AM)          no row-lock waits; bytes per transaction
 *
 * The transaction state
 *	  One DDL statement per transaction (GetCommandLogLevel() says which
 *	  utility statements are DDL; sys.aws_iam_grant/revoke and
 *	  sys.create_index_async count too), no DDL with DML (INSERT, UPDATE,
 *	  DELETE, MERGE, a data-modifying WITH, COPY FROM), at most 3,000 rows
 *	  written (a statement's processed rows, counted when it ends) and 10 MiB
 *	  of new row versions (occ.c), and no older than
 *	  dsql_iam.strict_transaction_age.  Statements nested in a counted DDL
 *	  (CREATE SCHEMA's elements, the sequences of identity columns) are part
 *	  of it.  The state is reset when the transaction ends.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "access/parallel.h"
#include "access/xact.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/analyze.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "dsql_iam.h"

bool		dsql_iam_strict = false;
int			dsql_iam_strict_transaction_age = 1800;

static post_parse_analyze_hook_type prev_post_parse_analyze = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;

/* Per-transaction state (reset at transaction end). */
typedef struct StrictXact
{
	int			ddl;			/* DDL statements started */
	bool		dml;			/* a data-modifying statement ran */
	int64		rows;			/* rows written */
	int64		bytes;			/* bytes of new row versions (occ.c) */
	bool		doomed;			/* a write was skipped: fail at COMMIT */
	Oid			doomed_rel;		/* where (for the detail) */
} StrictXact;

static StrictXact xs;

/* Our internal operations running (jobs.c); rules are suspended. */
static int	internal_depth = 0;

/* Utility statements running inside a DDL we counted. */
static int	ddl_depth = 0;

/* Rows skipped by occ.c in the statement now running (see ExecutorRun). */
static uint64 skipped_rows = 0;

/* -1 unknown, 0 no, 1 yes: the session logged in as the bootstrap superuser */
static int	bootstrap_session = -1;

bool
dsql_iam_strict_active(void)
{
	if (!dsql_iam_strict || internal_depth > 0)
		return false;
	if (MyBackendType != B_BACKEND || IsParallelWorker())
		return false;
	if (bootstrap_session < 0)
	{
		if (!IsNormalProcessingMode())
			return false;		/* still starting: not logged in yet */
		bootstrap_session = GetAuthenticatedUserId() == BOOTSTRAP_SUPERUSERID;
	}
	return bootstrap_session == 0;
}

bool
dsql_iam_occ_active(void)
{
	return dsql_iam_strict_active() && IsolationUsesXactSnapshot();
}

static void
check_age(void)
{
	TimestampTz start;

	if (dsql_iam_strict_transaction_age <= 0 || !IsTransactionState())
		return;
	start = GetCurrentTransactionStartTimestamp();
	if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(),
								   dsql_iam_strict_transaction_age * 1000))
		dsql_strict_refuse(DSQL_RULE_TX_AGE, NULL);
}

/*
 * The session state DSQL cannot have, however it was reached: SET and
 * set_config() with a constant name are refused where they are written
 * (strict_utility.c, strict_query.c); a name computed at run time, a
 * function's SET clause, or a session that predates strict mode reach
 * here.  A role set (SET ROLE), a session user other than the one that
 * logged in, and, in a session with DSQL's environment (environment.c), a
 * default isolation level or a transaction's level other than REPEATABLE
 * READ.  Checked when a statement starts (not for transaction statements
 * and SET/RESET/SHOW, so RESET ROLE and ROLLBACK always run) and at COMMIT,
 * whose failure undoes the setting (GUC changes are transactional).
 */
static void
check_session_state(bool at_commit)
{
	if (OidIsValid(GetCurrentRoleId()))
		dsql_strict_refuse(DSQL_RULE_SET_PARAMETER, "role");
	if (GetSessionUserId() != GetAuthenticatedUserId())
		dsql_strict_refuse(DSQL_RULE_SET_PARAMETER, "session_authorization");
	if (!dsql_iam_environment_applied())
		return;					/* the session's defaults predate strict mode */
	if (DefaultXactIsoLevel != XACT_REPEATABLE_READ)
		dsql_strict_refuse(DSQL_RULE_SET_PARAMETER, "default_transaction_isolation");
	if (!at_commit && IsTransactionState() && XactIsoLevel != XACT_REPEATABLE_READ)
		dsql_strict_refuse(DSQL_RULE_TX_ISOLATION,
						   XactIsoLevel == XACT_SERIALIZABLE ? "SERIALIZABLE" :
						   XactIsoLevel == XACT_READ_UNCOMMITTED ? "READ UNCOMMITTED" :
						   "READ COMMITTED");
}

void
dsql_iam_strict_note_ddl(void)
{
	if (!dsql_iam_strict_active() || ddl_depth > 0)
		return;
	check_age();
	if (xs.dml)
		dsql_strict_refuse(DSQL_RULE_TX_DDL_AND_DML, NULL);
	if (xs.ddl > 0)
		dsql_strict_refuse(DSQL_RULE_TX_MULTIPLE_DDL, NULL);
	xs.ddl++;
}

static void
note_dml(void)
{
	check_age();
	if (xs.ddl > 0)
		dsql_strict_refuse(DSQL_RULE_TX_DDL_AND_DML, NULL);
	xs.dml = true;
}

static void
add_rows(uint64 n)
{
	xs.rows += (int64) n;
	if (xs.rows > DSQL_STRICT_MAX_ROWS)
		dsql_strict_refuse(DSQL_RULE_TX_ROW_LIMIT, NULL);
}

void
dsql_iam_strict_internal_begin(void)
{
	internal_depth++;
}

void
dsql_iam_strict_internal_end(void)
{
	if (internal_depth > 0)
		internal_depth--;
}

void
dsql_iam_strict_doom(Oid relid)
{
	if (!xs.doomed)
		xs.doomed_rel = relid;
	xs.doomed = true;
}

void
dsql_iam_strict_row_skipped(void)
{
	skipped_rows++;
}

void
dsql_iam_strict_add_bytes(Size bytes)
{
	xs.bytes += (int64) bytes;
	if (xs.bytes > DSQL_STRICT_MAX_BYTES)
		dsql_strict_refuse(DSQL_RULE_TX_SIZE_LIMIT, NULL);
}

/* ---- hooks ---- */

static void
strict_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
	if (prev_post_parse_analyze)
		prev_post_parse_analyze(pstate, query, jstate);
	if (dsql_iam_strict_active())
		dsql_strict_check_query(query);
}

static void
strict_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
					  bool readOnlyTree, ProcessUtilityContext context,
					  ParamListInfo params, QueryEnvironment *queryEnv,
					  DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *volatile parsetree = pstmt->utilityStmt;
	PlannedStmt *volatile run = pstmt;
	volatile bool counted = false;
	volatile bool copy_from = false;

	if (dsql_iam_strict_active())
	{
		Node	   *replaced;

		check_age();
		replaced = dsql_strict_check_utility(parsetree,
											 context != PROCESS_UTILITY_SUBCOMMAND &&
											 ddl_depth == 0);
		if (!IsA(parsetree, TransactionStmt) && !IsA(parsetree, VariableSetStmt) &&
			!IsA(parsetree, VariableShowStmt))
			check_session_state(false);
		if (replaced != NULL)
		{
			/* run a copy with the change (the cached tree stays as it was) */
			PlannedStmt *copy = makeNode(PlannedStmt);

			memcpy(copy, pstmt, sizeof(PlannedStmt));
			copy->utilityStmt = replaced;
			run = copy;
			parsetree = replaced;
		}
		if (context != PROCESS_UTILITY_SUBCOMMAND && ddl_depth == 0)
		{
			if (GetCommandLogLevel(parsetree) == LOGSTMT_DDL)
			{
				dsql_iam_strict_note_ddl();
				counted = true;
			}
			else if (IsA(parsetree, CopyStmt) && ((CopyStmt *) parsetree)->is_from)
			{
				note_dml();
				copy_from = true;
			}
		}
	}

	if (counted)
		ddl_depth++;
	PG_TRY();
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(run, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
		else
			standard_ProcessUtility(run, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		if (counted)
			ddl_depth--;
	}
	PG_END_TRY();

	if (copy_from && qc != NULL)
		add_rows(qc->nprocessed);
	/* SQL-standard bodies never meet the post_parse_analyze hook */
	if (IsA(parsetree, CreateFunctionStmt) &&
		((CreateFunctionStmt *) parsetree)->sql_body != NULL &&
		dsql_iam_strict_active())
		dsql_strict_check_function_body((CreateFunctionStmt *) parsetree);
	/* nor do column DEFAULTs and CHECK constraints */
	if ((IsA(parsetree, CreateStmt) || IsA(parsetree, AlterTableStmt) ||
		 IsA(parsetree, CreateDomainStmt) || IsA(parsetree, AlterDomainStmt)) &&
		dsql_iam_strict_active())
		dsql_strict_check_stored_exprs();
}

static bool
is_dml(QueryDesc *queryDesc)
{
	switch (queryDesc->operation)
	{
		case CMD_INSERT:
		case CMD_UPDATE:
		case CMD_DELETE:
		case CMD_MERGE:
			return true;
		case CMD_SELECT:
			return queryDesc->plannedstmt->hasModifyingCTE;
		default:
			return false;
	}
}

static void
strict_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (dsql_iam_strict_active())
	{
		check_session_state(false);
		if (!(eflags & EXEC_FLAG_EXPLAIN_ONLY) && ddl_depth == 0 && is_dml(queryDesc))
			note_dml();
	}
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

static void
strict_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction,
				   uint64 count, bool execute_once)
{
	uint64		saved = skipped_rows;

	skipped_rows = 0;
	PG_TRY();
	{
		if (prev_ExecutorRun)
			prev_ExecutorRun(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
	}
	PG_CATCH();
	{
		skipped_rows = saved;
		PG_RE_THROW();
	}
	PG_END_TRY();

	/*
	 * Rows occ.c skipped count as written, as on DSQL (where the statement
	 * wrote them and the commit fails): in the command tag and the limit.
	 */
	if (skipped_rows > 0 && queryDesc->estate != NULL &&
		(queryDesc->operation == CMD_UPDATE || queryDesc->operation == CMD_DELETE))
		queryDesc->estate->es_processed += skipped_rows;
	skipped_rows = saved;

	if (ddl_depth == 0 && queryDesc->estate != NULL &&
		queryDesc->operation != CMD_SELECT && queryDesc->operation != CMD_UTILITY &&
		dsql_iam_strict_active())
		add_rows(queryDesc->estate->es_processed);
}

static void
strict_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			/* a skipped write can never commit, strict mode on or off now */
			if (xs.doomed)
			{
				const char *rel = OidIsValid(xs.doomed_rel) ?
				get_rel_name(xs.doomed_rel) : NULL;

				xs.doomed = false;	/* the error aborts: reported once */
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("%s", dsql_strict_rules[DSQL_RULE_OCC_CONFLICT].message),
						 errdetail("Another transaction wrote or locked a row this transaction wrote%s%s%s; "
								   "strict mode does not wait for row locks and fails the transaction at COMMIT, "
								   "as Aurora DSQL's optimistic concurrency does (rule %s).",
								   rel ? " (table \"" : "", rel ? rel : "", rel ? "\")" : "",
								   dsql_strict_rules[DSQL_RULE_OCC_CONFLICT].id),
						 errhint("Retry the transaction.")));
			}
			if (dsql_iam_strict_active())
			{
				check_age();
				check_session_state(true);
			}
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			memset(&xs, 0, sizeof(xs));
			ddl_depth = 0;
			skipped_rows = 0;
			internal_depth = 0;
			break;
	}
}

void
dsql_iam_strict_init(void)
{
	DefineCustomBoolVariable(DSQL_IAM_PROVIDER ".strict",
							 "Refuses what Aurora DSQL refuses (ruleset " DSQL_STRICT_RULESET_NAME ").",
							 "Applies to every session but one that logged in as the bootstrap "
							 "superuser. dsqlctl local up turns it on.",
							 &dsql_iam_strict,
							 false,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable(DSQL_IAM_PROVIDER ".strict_transaction_age",
							"Strict mode: the maximum age of a transaction (0: no limit).",
							"Aurora DSQL's sources disagree: 300 s (AWS documentation) or 1800 s; "
							"the default refuses only what both refuse.",
							&dsql_iam_strict_transaction_age,
							1800, 0, 86400,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	prev_post_parse_analyze = post_parse_analyze_hook;
	post_parse_analyze_hook = strict_post_parse_analyze;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = strict_ProcessUtility;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = strict_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = strict_ExecutorRun;
	RegisterXactCallback(strict_xact_callback, NULL);
}
