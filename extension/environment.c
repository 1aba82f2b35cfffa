/*-------------------------------------------------------------------------
 *
 * environment.c
 *	  Aurora DSQL's session environment for strict sessions, and the sys
 *	  functions that describe a session.
 *
 *	  A session that starts while dsql_iam.strict is on (and did not log in
 *	  as the bootstrap superuser) gets, as on DSQL (recorded 2026-09-15,
 *	  Dreamescaper/dsql-emulator test/conformance/golden/environment.json and
 *	  supported.json):
 *	    server_version      16.15   (also in the startup ParameterStatus)
 *	    server_version_num  160015
 *	    TimeZone            UTC
 *	    default_transaction_isolation  repeatable read
 *	  and, our choices where DSQL's values are not recorded:
 *	    role                none (a startup "-c role=x" or ALTER ROLE ...
 *	                        SET role is ignored: DSQL refuses SET ROLE)
 *	    default_text_search_config  pg_catalog.simple (DSQL has no
 *	                        english, PostgreSQL's default)
 *	  set with source "override" in a ClientAuthentication_hook chained
 *	  after auth.c's, before the server reports its settings to the client.
 *	  The session keeps them for its life; turning strict mode on or off
 *	  changes the rules at once and the environment of new sessions.
 *	  version() is answered by sys.version() (strict_query.c rewrites the
 *	  call in the analysed tree).
 *
 *	  sys.iam_session_user()     the IAM principal ARN whose token
 *	                             authenticated this session (auth.c records
 *	                             it), NULL otherwise (DSQL's signature is not
 *	                             documented: ours takes nothing, returns text)
 *	  sys.current_session_id()   this session's id: PostgreSQL's own (the %c
 *	                             of log_line_prefix), hex start time and pid
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "catalog/namespace.h"
#include "fmgr.h"
#include "libpq/auth.h"
#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/memutils.h"

#include "dsql_iam.h"

PG_FUNCTION_INFO_V1(dsql_iam_version);
PG_FUNCTION_INFO_V1(dsql_iam_session_user);
PG_FUNCTION_INFO_V1(dsql_iam_current_session_id);

#define DSQL_SERVER_VERSION		"16.15"
#define DSQL_SERVER_VERSION_NUM	"160015"

static ClientAuthentication_hook_type prev_client_auth_hook = NULL;

/* This session got DSQL's environment (apply_environment ran). */
static bool environment_applied = false;

bool
dsql_iam_environment_applied(void)
{
	return environment_applied;
}

/* The principal of this session's token (TopMemoryContext), or NULL. */
static char *session_principal = NULL;

void
dsql_iam_session_set_principal(const char *arn)
{
	if (session_principal != NULL)
		pfree(session_principal);
	session_principal = MemoryContextStrdup(TopMemoryContext, arn);
}

const char *
dsql_iam_strict_version_string(void)
{
	return "PostgreSQL " DSQL_SERVER_VERSION " (Aurora DSQL, emulated by dsql_iam strict mode on "
		PG_VERSION_STR ")";
}

Oid
dsql_iam_version_function(void)
{
	List	   *name = list_make2(makeString("sys"), makeString("version"));

	if (!OidIsValid(get_namespace_oid("sys", true)))
		return InvalidOid;
	return LookupFuncName(name, 0, NULL, true);
}

static void
apply_environment(void)
{
	SetConfigOption("server_version", DSQL_SERVER_VERSION, PGC_INTERNAL, PGC_S_OVERRIDE);
	SetConfigOption("server_version_num", DSQL_SERVER_VERSION_NUM, PGC_INTERNAL, PGC_S_OVERRIDE);
	SetConfigOption("TimeZone", "UTC", PGC_INTERNAL, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_isolation", "repeatable read",
					PGC_INTERNAL, PGC_S_OVERRIDE);
	/* no role switched by a startup option (-c role=x) or ALTER ROLE SET */
	SetConfigOption("role", "none", PGC_INTERNAL, PGC_S_OVERRIDE);
	/* DSQL has no english configuration, PostgreSQL's default (our choice) */
	SetConfigOption("default_text_search_config", "pg_catalog.simple",
					PGC_INTERNAL, PGC_S_OVERRIDE);
	environment_applied = true;
}

static void
environment_client_auth(Port *port, int status)
{
	Oid			roleid;

	if (prev_client_auth_hook)
		prev_client_auth_hook(port, status);
	if (status != STATUS_OK || !dsql_iam_strict)
		return;
	roleid = get_role_oid(port->user_name, true);
	if (roleid == BOOTSTRAP_SUPERUSERID)
		return;
	apply_environment();
}

/*
 * server_version_num is an integer whose bounds are PG_VERSION_NUM itself:
 * let it hold DSQL's too (run once, in the postmaster; every backend
 * inherits it).  Nothing else of the setting changes.
 */
static void
widen_server_version_num(void)
{
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();
	int			i;

	for (i = 0; i < n; i++)
	{
		if (vars[i]->vartype == PGC_INT &&
			strcmp(vars[i]->name, "server_version_num") == 0)
		{
			struct config_int *conf = (struct config_int *) vars[i];

			conf->max = Max(conf->max, atoi(DSQL_SERVER_VERSION_NUM));
			return;
		}
	}
}

void
dsql_iam_environment_init(void)
{
	widen_server_version_num();
	prev_client_auth_hook = ClientAuthentication_hook;
	ClientAuthentication_hook = environment_client_auth;
}

/* sys.version() RETURNS text */
Datum
dsql_iam_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(dsql_iam_strict_version_string()));
}

/* sys.iam_session_user() RETURNS text */
Datum
dsql_iam_session_user(PG_FUNCTION_ARGS)
{
	if (session_principal == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(session_principal));
}

/* sys.current_session_id() RETURNS text */
Datum
dsql_iam_current_session_id(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%lx.%x", (long) MyStartTime, MyProcPid)));
}
