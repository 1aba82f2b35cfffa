/*-------------------------------------------------------------------------
 *
 * grant.c
 *	  SQL-callable entry points of schema sys: the procedures
 *	  sys.aws_iam_grant / sys.aws_iam_revoke, the local equivalents of
 *	  DSQL's AWS IAM GRANT / AWS IAM REVOKE (CALL sys.aws_iam_grant('role',
 *	  'arn')), and the functions behind the view sys.iam_pg_role_mappings
 *	  and sys.aws_iam_mapping_exists.  EXECUTE is granted to PUBLIC; the
 *	  checks are here.
 *
 *	  The two procedures are plain version-1 C entry points returning void
 *	  (ExecuteCallStmt accepts a void result).  They look only at their
 *	  arguments, never at fcinfo->context (a CallContext, atomic or not),
 *	  never commit, and work the same from a top-level CALL, a CALL inside
 *	  a DO block, function or procedure.  A procedure is always called on
 *	  NULL input, so require_args() refuses NULLs itself.
 *
 * Behaviour (DSQL leaves most of it undocumented; these are our choices):
 *
 *	  order of checks: NULL argument (22004), caller (42501), ARN syntax
 *	  (22023 "IAM role must look like an IAM ARN"), role exists (42704),
 *	  [principal exists in the local IAM state (42704): issue 6, not yet],
 *	  role is not admin (42939), role has LOGIN (55000, grant only), role is
 *	  not a superuser unless the caller is the bootstrap superuser (42501,
 *	  grant only), then the mapping itself.
 *	  caller: the current user (GetUserId(), so SET ROLE counts) must be
 *	  the role named admin or the bootstrap superuser (OID 10, the hidden
 *	  plumbing of the local emulation); any other role, other superusers
 *	  included, gets 42501 as on DSQL.
 *	  role name: taken verbatim, no case folding and no quote stripping: the
 *	  caller already resolved identifier quoting ("Mixed Case" is passed as
 *	  Mixed Case).
 *	  LOGIN missing: SQLSTATE 55000 object_not_in_prerequisite_state, the
 *	  role is in the wrong state rather than the caller lacking a privilege.
 *	  duplicate grant of an existing (role, ARN): silently ignored, as DSQL
 *	  does (no error, no notice; the first grant's grantor stays), after the
 *	  same checks as a new grant.  Revoke of an absent (role, ARN): ERROR
 *	  42704 undefined_object, as DSQL reports an error.
 *	  several ARNs per role and one ARN for several roles: both allowed.
 *	  superuser roles: only the bootstrap superuser may map them (admin is
 *	  not one in the local emulation and must not gain a path to superuser).
 *	  grantor: the current user at grant time, one per (role, ARN); the view
 *	  shows NULL when that role no longer exists.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "dsql_iam.h"

PG_FUNCTION_INFO_V1(dsql_iam_grant);
PG_FUNCTION_INFO_V1(dsql_iam_revoke);
PG_FUNCTION_INFO_V1(dsql_iam_mappings);
PG_FUNCTION_INFO_V1(dsql_iam_mapping_exists_sql);

bool
dsql_iam_caller_is_bootstrap(void)
{
	return GetUserId() == BOOTSTRAP_SUPERUSERID;
}

bool
dsql_iam_caller_is_admin(void)
{
	Oid			admin;

	if (dsql_iam_caller_is_bootstrap())
		return true;
	admin = get_role_oid(DSQL_IAM_ADMIN_ROLE, true);
	return OidIsValid(admin) && GetUserId() == admin;
}

static void
require_args(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role name must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("IAM ARN must not be null")));
}

static void
require_valid_arn(const char *arn)
{
	const char *reason;

	if (!dsql_iam_arn_is_valid(arn, &reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("IAM role must look like an IAM ARN"),
				 errdetail("%s", reason),
				 errhint("Use arn:aws:iam::<12-digit account>:role/<name> or arn:aws:iam::<12-digit account>:user/<name>.")));
}

/*
 * A role name longer than NAMEDATALEN - 1 bytes names no role.  Refuse it
 * before any message quotes it: a client's 100 kB argument must not flood
 * the client or the server log.
 */
static void
require_role_name_length(const char *rolename)
{
	size_t		len = strlen(rolename);

	if (len >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("role name is too long"),
				 errdetail("The name has %zu bytes; role names have at most %d.",
						   len, NAMEDATALEN - 1)));
}

/*
 * Resolve and lock the role, refuse admin.  Returns the role OID.
 */
static Oid
lookup_role(const char *rolename)
{
	Oid			roleid = get_role_oid(rolename, true);

	if (!OidIsValid(roleid) || !dsql_iam_mapping_lock_role(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" does not exist", dsql_iam_log_text(rolename))));
	if (strcmp(rolename, DSQL_IAM_ADMIN_ROLE) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_RESERVED_NAME),
				 errmsg("role admin cannot be mapped to an IAM principal"),
				 errdetail("The admin role connects with a DbConnectAdmin token, never through an IAM mapping.")));
	return roleid;
}

Datum
dsql_iam_grant(PG_FUNCTION_ARGS)
{
	char	   *rolename;
	char	   *arn;
	Oid			roleid;
	HeapTuple	tuple;
	bool		canlogin;
	bool		issuper;

	require_args(fcinfo);
	/* strict mode: AWS IAM GRANT/REVOKE is a DDL statement of its transaction */
	dsql_iam_strict_note_ddl();
	rolename = text_to_cstring(PG_GETARG_TEXT_PP(0));
	arn = text_to_cstring(PG_GETARG_TEXT_PP(1));
	require_role_name_length(rolename);

	if (!dsql_iam_caller_is_admin())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to grant IAM trust with role %s",
						dsql_iam_log_text(rolename)),
				 errdetail("Only the admin role can map IAM principals to database roles.")));
	require_valid_arn(arn);
	roleid = lookup_role(rolename);

	/* the principal must exist, as on DSQL: locally, in the local IAM state */
	{
		char	   *reason;

		switch (dsql_iam_principal_lookup(arn, &reason))
		{
			case DSQL_IAM_PRINCIPAL_UNKNOWN:
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("IAM role %s does not exist", arn),
						 errhint("Create it in the local IAM state first: dsqlctl iam create-role (or iam sync).")));
				break;
			case DSQL_IAM_PRINCIPAL_ERROR:
				ereport(ERROR,
						(errcode(ERRCODE_CONFIG_FILE_ERROR),
						 errmsg("cannot check IAM role %s against the local IAM state", arn),
						 errdetail("%s.", dsql_iam_log_text(reason))));
				break;
			case DSQL_IAM_PRINCIPAL_KNOWN:
			case DSQL_IAM_PRINCIPAL_NO_STATE:
				break;
		}
	}

	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(roleid));
	if (!HeapTupleIsValid(tuple))	/* cannot happen: we hold a lock */
		elog(ERROR, "cache lookup failed for role %u", roleid);
	canlogin = ((Form_pg_authid) GETSTRUCT(tuple))->rolcanlogin;
	issuper = ((Form_pg_authid) GETSTRUCT(tuple))->rolsuper;
	ReleaseSysCache(tuple);

	if (!canlogin)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("role %s must have the LOGIN attribute", dsql_iam_log_text(rolename)),
				 errhint("Create the role WITH LOGIN: DROP ROLE, then CREATE ROLE ... WITH LOGIN (Aurora DSQL refuses ALTER ROLE ... WITH LOGIN).")));
	if (issuper && !dsql_iam_caller_is_bootstrap())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to grant IAM trust with role %s",
						dsql_iam_log_text(rolename)),
				 errdetail("Only the bootstrap superuser can map an IAM principal to a superuser role.")));

	(void) dsql_iam_mapping_add(roleid, rolename, arn, GetUserId());	/* false: a duplicate */

	pfree(rolename);
	pfree(arn);
	PG_RETURN_VOID();
}

Datum
dsql_iam_revoke(PG_FUNCTION_ARGS)
{
	char	   *rolename;
	char	   *arn;
	Oid			roleid;

	require_args(fcinfo);
	/* strict mode: AWS IAM GRANT/REVOKE is a DDL statement of its transaction */
	dsql_iam_strict_note_ddl();
	rolename = text_to_cstring(PG_GETARG_TEXT_PP(0));
	arn = text_to_cstring(PG_GETARG_TEXT_PP(1));
	require_role_name_length(rolename);

	if (!dsql_iam_caller_is_admin())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to revoke IAM trust with role %s",
						dsql_iam_log_text(rolename)),
				 errdetail("Only the admin role can remove mappings of IAM principals.")));
	require_valid_arn(arn);
	roleid = lookup_role(rolename);

	dsql_iam_mapping_remove(roleid, rolename, arn);

	pfree(rolename);
	pfree(arn);
	PG_RETURN_VOID();
}

static void
emit_row(Oid roleid, const DsqlIamMapping *m, void *arg)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) arg;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	values[0] = ObjectIdGetDatum(m->iam_oid);
	values[1] = CStringGetTextDatum(m->arn);
	values[2] = ObjectIdGetDatum(roleid);
	values[3] = ObjectIdGetDatum(dsql_iam_mapping_grantor(m));
	nulls[3] = !OidIsValid(DatumGetObjectId(values[3]));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	pfree(DatumGetPointer(values[1]));
}

/*
 * sys.aws_iam_mappings() RETURNS SETOF (iam_oid oid, arn text,
 * pg_role_oid oid, grantor_pg_role_oid oid): one row per (ARN, role).
 */
Datum
dsql_iam_mappings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	dsql_iam_mapping_foreach(emit_row, rsinfo);
	return (Datum) 0;
}

/*
 * sys.aws_iam_mapping_exists(pg_role_name text, arn text) RETURNS boolean:
 * exactly the read the authentication hook does (role name to OID through
 * the syscache, then the role's label through pg_shseclabel's unique index
 * on (objoid, classoid, provider)); exposed for tests and bench/.  An
 * unknown role, like an unmapped pair, is false.
 */
Datum
dsql_iam_mapping_exists_sql(PG_FUNCTION_ARGS)
{
	char	   *rolename = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *arn = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Oid			roleid = get_role_oid(rolename, true);
	bool		result;

	result = OidIsValid(roleid) &&
		dsql_iam_mapping_exists(roleid, arn, WARNING);
	pfree(rolename);
	pfree(arn);
	PG_RETURN_BOOL(result);
}
