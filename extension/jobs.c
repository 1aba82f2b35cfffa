/*-------------------------------------------------------------------------
 *
 * jobs.c
 *	  Aurora DSQL's asynchronous jobs, locally: CREATE INDEX ASYNC and
 *	  sys.jobs, CALL sys.wait_for_job(job_id).
 *
 *	  CREATE INDEX ASYNC cannot reach PostgreSQL's parser (ASYNC is not in
 *	  its grammar), so clients of the local cluster send it rewritten:
 *	  `dsqlctl sql` (dsl/sql, dsql::dialect::rewrite) turns
 *	      CREATE [UNIQUE] INDEX ASYNC <rest>
 *	  into
 *	      SELECT sys.create_index_async('CREATE [UNIQUE] INDEX <rest>') AS job_id
 *	  which, like DSQL, answers one row with the job id.  The function
 *	  accepts exactly one CREATE INDEX statement, counts as the
 *	  transaction's DDL in strict sessions, applies the index rules but the
 *	  one refusing synchronous builds on tables with rows, builds the index
 *	  (synchronously: the job is complete when the statement returns),
 *	  and records the job.  A build that fails on the data (class 23, e.g.
 *	  a UNIQUE index over duplicates) leaves no index and a job with status
 *	  'failed' and the error in details, as DSQL reports failed builds
 *	  later; any other error (no such table, no privilege) fails the
 *	  statement at once.
 *
 *	  sys.jobs has DSQL's columns (index.json, probe sys_jobs_columns):
 *	  job_id, status, details, job_type, class_id, object_id, object_name,
 *	  start_time, update_time.  Job ids look like DSQL's: a random UUID in
 *	  base32, lower case, 26 characters.  Everyone may read it; rows are
 *	  written only here (as the bootstrap superuser).
 *
 *	  CALL sys.wait_for_job(job_id): an id that is not base32 of a UUID is
 *	  refused as on DSQL (22P02 "Unable to convert text to UUID",
 *	  sys_call_wait_for_job_literal); a completed job returns at once; a
 *	  failed one raises 55000 with its details; an unknown id raises 42704
 *	  (DSQL's answers to those two are not recorded: our choice).
 *	  SELECT sys.wait_for_job(...) fails as on DSQL because it is a
 *	  procedure (42809, PostgreSQL's own check).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "dsql_iam.h"

PG_FUNCTION_INFO_V1(dsql_iam_create_index_async);
PG_FUNCTION_INFO_V1(dsql_iam_wait_for_job);

#define JOB_ID_LEN 26			/* 128 bits in base32, no padding */

static const char base32[] = "abcdefghijklmnopqrstuvwxyz234567";

static char *
new_job_id(void)
{
	uint8		bytes[16];
	char	   *out = palloc(JOB_ID_LEN + 1);
	uint32		acc = 0;
	int			bits = 0;
	int			n = 0;
	int			i;

	if (!pg_strong_random(bytes, sizeof(bytes)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random job id")));
	bytes[6] = (bytes[6] & 0x0f) | 0x40;	/* UUID version 4 */
	bytes[8] = (bytes[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < 16; i++)
	{
		acc = (acc << 8) | bytes[i];
		bits += 8;
		while (bits >= 5)
		{
			out[n++] = base32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = base32[(acc << (5 - bits)) & 31];
	out[n] = '\0';
	Assert(n == JOB_ID_LEN);
	return out;
}

/* Whether s is 26 base32 characters encoding exactly 16 bytes. */
static bool
job_id_is_valid(const char *s)
{
	int			i;

	if (strlen(s) != JOB_ID_LEN)
		return false;
	for (i = 0; i < JOB_ID_LEN; i++)
	{
		const char *p = strchr(base32, pg_ascii_tolower((unsigned char) s[i]));

		if (s[i] == '\0' || p == NULL)
			return false;
		/* the last character carries 3 bits; the 2 below must be zero */
		if (i == JOB_ID_LEN - 1 && ((p - base32) & 3) != 0)
			return false;
	}
	return true;
}

/* PostgreSQL's name for an unnamed index: <table>_<columns>_idx. */
static char *
choose_index_name(IndexStmt *stmt, Oid relid)
{
	char		buf[NAMEDATALEN * 2];
	int			len = 0;
	ListCell   *lc;

	buf[0] = '\0';
	foreach(lc, stmt->indexParams)
	{
		IndexElem  *e = lfirst_node(IndexElem, lc);
		const char *name = e->name ? e->name : (e->indexcolname ? e->indexcolname : "expr");

		if (len > 0)
			buf[len++] = '_';
		strlcpy(buf + len, name, NAMEDATALEN);
		len += strlen(buf + len);
		if (len >= NAMEDATALEN)
			break;
	}
	return ChooseRelationName(get_rel_name(relid), buf, "idx",
							  get_rel_namespace(relid), false);
}

/* INSERT one job row, as the bootstrap superuser (sys.jobs is read-only to
 * everyone else). */
static void
record_job(const char *job_id, const char *status, const char *details,
		   Oid objid, const char *object_name)
{
	Oid			save_userid;
	int			save_sec;
	Oid			argtypes[6] = {TEXTOID, TEXTOID, TEXTOID, OIDOID, TEXTOID, TIMESTAMPTZOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	int			rc;

	values[0] = CStringGetTextDatum(job_id);
	values[1] = CStringGetTextDatum(status);
	if (details != NULL)
		values[2] = CStringGetTextDatum(details);
	else
		nulls[2] = 'n';
	values[3] = ObjectIdGetDatum(objid);
	nulls[3] = OidIsValid(objid) ? ' ' : 'n';
	values[4] = CStringGetTextDatum(object_name);
	values[5] = TimestampTzGetDatum(GetCurrentStatementStartTimestamp());

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	dsql_iam_strict_internal_begin();
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		rc = SPI_execute_with_args("INSERT INTO sys.jobs (job_id, status, details, job_type, "
								   "class_id, object_id, object_name, start_time, update_time) "
								   "VALUES ($1, $2, $3, 'INDEX_BUILD', "
								   "'pg_catalog.pg_class'::pg_catalog.regclass, $4, $5, $6, "
								   "pg_catalog.clock_timestamp())",
								   6, argtypes, values, nulls, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "recording job %s failed: %s", job_id, SPI_result_code_string(rc));
		SPI_finish();
	}
	PG_FINALLY();
	{
		dsql_iam_strict_internal_end();
		SetUserIdAndSecContext(save_userid, save_sec);
	}
	PG_END_TRY();
}

/*
 * sys.create_index_async(statement text) RETURNS text: the job id.
 */
Datum
dsql_iam_create_index_async(PG_FUNCTION_ARGS)
{
	char	   *sql;
	List	   *parsed;
	RawStmt    *raw;
	IndexStmt  *stmt;
	PlannedStmt *wrapper;
	Oid			relid;
	volatile Oid indexid = InvalidOid;
	char	   *job_id;
	char	   *object_name;
	const char *volatile status = "completed";
	char	   *volatile details = NULL;
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("statement must not be null")));
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	parsed = raw_parser(sql, RAW_PARSE_DEFAULT);
	if (list_length(parsed) != 1 ||
		!IsA(((RawStmt *) linitial(parsed))->stmt, IndexStmt))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("sys.create_index_async expects one CREATE INDEX statement"),
				 errhint("dsqlctl sql rewrites CREATE INDEX ASYNC into a call of this function.")));
	raw = linitial_node(RawStmt, parsed);
	stmt = (IndexStmt *) raw->stmt;

	/* DSQL's index rules (CREATE INDEX ASYNC is fine on a table with rows) */
	if (dsql_iam_strict_active())
		dsql_strict_check_index(stmt, false);
	/* it is the transaction's DDL, as on DSQL (multi_ddl_then_async_index) */
	dsql_iam_strict_note_ddl();

	relid = RangeVarGetRelid(stmt->relation, NoLock, false);
	if (stmt->idxname == NULL)
		stmt->idxname = choose_index_name(stmt, relid);
	object_name = psprintf("%s.%s",
						   get_namespace_name(get_rel_namespace(relid)),
						   stmt->idxname);

	wrapper = makeNode(PlannedStmt);
	wrapper->commandType = CMD_UTILITY;
	wrapper->canSetTag = false;
	wrapper->utilityStmt = (Node *) stmt;
	wrapper->stmt_location = raw->stmt_location;
	wrapper->stmt_len = raw->stmt_len;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	dsql_iam_strict_internal_begin();
	PG_TRY();
	{
		ProcessUtility(wrapper, sql, false, PROCESS_UTILITY_QUERY, NULL, NULL,
					   None_Receiver, NULL);
		dsql_iam_strict_internal_end();
		indexid = get_relname_relid(stmt->idxname, get_rel_namespace(relid));
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		dsql_iam_strict_internal_end();
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		/* only a build failing on the data becomes a failed job */
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) !=
			ERRCODE_TO_CATEGORY(ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION))
			ReThrowError(edata);
		status = "failed";
		details = pstrdup(edata->message);
		FreeErrorData(edata);
	}
	PG_END_TRY();

	job_id = new_job_id();
	record_job(job_id, status, details, indexid, object_name);
	PG_RETURN_TEXT_P(cstring_to_text(job_id));
}

/*
 * CALL sys.wait_for_job(job_id text)
 */
Datum
dsql_iam_wait_for_job(PG_FUNCTION_ARGS)
{
	char	   *job_id;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	char	   *status = NULL;
	char	   *details = NULL;
	bool		found = false;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("job id must not be null")));
	job_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (!job_id_is_valid(job_id))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("Unable to convert text to UUID")));

	values[0] = CStringGetTextDatum(job_id);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT status, details FROM sys.jobs "
							  "WHERE job_id OPERATOR(pg_catalog.=) pg_catalog.lower($1)",
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading sys.jobs failed");
	if (SPI_processed == 1)
	{
		char	   *s;

		found = true;
		/* SPI_palloc: copies that outlive SPI_finish() */
		if ((s = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)) != NULL)
			status = strcpy(SPI_palloc(strlen(s) + 1), s);
		if ((s = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2)) != NULL)
			details = strcpy(SPI_palloc(strlen(s) + 1), s);
	}
	SPI_finish();

	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("job \"%s\" does not exist", job_id)));
	if (status != NULL && strcmp(status, "failed") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("job \"%s\" failed", job_id),
				 details ? errdetail_internal("%s", details) : 0));
	PG_RETURN_VOID();
}
