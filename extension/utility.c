/*-------------------------------------------------------------------------
 *
 * utility.c
 *	  ProcessUtility hook: keeps role DDL consistent with the IAM mappings
 *	  and guards DSQL's admin role.  Chains any previous hook.
 *
 * Mapped roles
 *	  DROP ROLE of a mapped role: ERROR 2BP01 dependent_objects_still_exist
 *	  "role "x" cannot be dropped because some objects depend on it", the
 *	  ARNs in errdetail (as DSQL).  ALTER ROLE x NOLOGIN (also ALTER USER,
 *	  WITH NOLOGIN) of a mapped role: ERROR 2BP01 as well, for the same
 *	  reason (the mapping depends on LOGIN); revoke the mappings first.
 *	  Both take AccessExclusiveLock on the role before looking, which
 *	  conflicts with the lock sys.aws_iam_grant() takes, so no grant slips in
 *	  between the check and the DDL.  ALTER ROLE ... RENAME needs nothing:
 *	  mappings are keyed by role OID.
 *
 * The admin role (identified by its name, as DSQL does)
 *	  Only the bootstrap superuser (OID 10, the hidden plumbing of the local
 *	  emulation) may CREATE ROLE admin, DROP ROLE admin, rename admin or
 *	  rename another role to admin, GRANT admin TO another role (also as
 *	  CREATE ROLE ... IN ROLE admin), or ALTER ROLE admin in any form
 *	  (attributes, password, ALTER GROUP admin ADD USER, ALTER ROLE admin
 *	  SET).  Admin itself may not either: DSQL's admin "cannot be modified".
 *	  Other superusers are refused too.  Without this any CREATEROLE role
 *	  could become "admin" and map IAM principals.  SQLSTATE 42501.
 *
 * Predefined roles
 *	  pg_execute_server_program, pg_read_server_files, pg_write_server_files,
 *	  pg_read_all_data and the other predefined roles carry server-level
 *	  powers that DSQL's admin does not have.  PostgreSQL 15's CREATEROLE
 *	  lets admin grant them to anyone, itself included (then COPY ... FROM
 *	  PROGRAM runs shell commands as the server's OS user); PostgreSQL 16,
 *	  DSQL's base, lets CREATEROLE grant only roles it holds ADMIN OPTION on,
 *	  which admin never holds on predefined roles.  So only the bootstrap
 *	  superuser may grant membership in a role whose OID is below
 *	  FirstNormalObjectId (the predefined roles and the bootstrap superuser):
 *	  GRANT r TO ..., CREATE ROLE ... IN ROLE r, ALTER GROUP r ADD USER ....
 *	  SQLSTATE 42501.
 *
 * Server-level powers: admin is DSQL's admin, never more
 *	  Everything below is refused to every role but the bootstrap superuser,
 *	  strict mode or not, with SQLSTATE 42501 and a message naming what
 *	  Aurora DSQL's admin cannot do.  Each one is a path by which admin's
 *	  objects or settings would be run by a superuser session (the tooling's
 *	  own, dsqlctl local up, runs as the bootstrap superuser after every
 *	  restart), or a power DSQL's admin does not have:
 *	  - ALTER DATABASE ... SET / RESET, ALTER ROLE ALL [IN DATABASE ...]
 *	    SET / RESET: database-wide and all-role defaults reach every session,
 *	    the superuser's included (search_path = trojan, pg_catalog made the
 *	    next "dsqlctl local up" run admin's functions as superuser).  PG 15
 *	    lets the database owner, which admin is, do both.
 *	  - ALTER DATABASE ... WITH (CONNECTION LIMIT, ALLOW_CONNECTIONS,
 *	    IS_TEMPLATE), SET TABLESPACE, REFRESH COLLATION VERSION, RENAME,
 *	    OWNER TO; CREATE DATABASE; DROP DATABASE (the owner may drop
 *	    postgres from another database): DSQL has one database, postgres,
 *	    whose options its admin cannot change.
 *	  - the CREATEDB attribute in CREATE ROLE / ALTER ROLE (PG 15's
 *	    CREATEROLE allows it; PG 16, DSQL's base, does not for a role that
 *	    lacks CREATEDB itself, as admin does).
 *	  - CREATE EXTENSION, ALTER EXTENSION (UPDATE, ADD, DROP): a trusted
 *	    extension's script runs as the bootstrap superuser with a
 *	    search_path that starts with a schema of admin's choosing.  DSQL has
 *	    no CREATE EXTENSION.
 *	  - LOAD: DSQL's admin loads no server library.
 *	  - CREATE SCHEMA / ALTER SCHEMA ... RENAME TO a superuser's name: the
 *	    default search_path ("$user", public) puts that schema first in the
 *	    superuser's sessions.
 *	  Refused by core PostgreSQL 15 already (superuser only, or a predefined
 *	  role's power, which admin cannot get: see above), and tested in
 *	  admin_limits: CREATE EVENT TRIGGER, ALTER SYSTEM, CREATE SUBSCRIPTION,
 *	  CREATE TABLESPACE / FOREIGN DATA WRAPPER / ACCESS METHOD / LANGUAGE,
 *	  text search parsers and templates, COPY to or from a file or program,
 *	  server-side lo_import / lo_export, pg_read_file, ALTER ROLE of a
 *	  superuser (settings included), ALTER DEFAULT PRIVILEGES FOR ROLE of
 *	  the bootstrap superuser.
 *	  Left to core on purpose: CREATE PUBLICATION of admin's own tables
 *	  (only walsenders read it, and replication connections need the
 *	  REPLICATION attribute, which admin cannot grant); views, rules,
 *	  triggers and RLS on admin's tables (the tooling's superuser sessions
 *	  read only pg_catalog; maintenance runs index expressions as the table
 *	  owner); ALTER DEFAULT PRIVILEGES for admin's own objects.
 *	  What no hook can refuse: admin owns schema public (PG 15 makes the
 *	  database owner its owner), so a superuser session whose search_path
 *	  reaches public could resolve a name to admin's object.  Every
 *	  superuser session the tooling opens therefore pins search_path to
 *	  pg_catalog and qualifies names (dsl/local/cluster.cpp, scripts/,
 *	  tests' helpers, the README's break-glass commands).
 *
 * SECURITY LABEL FOR dsql_iam
 *	  Never reaches core: dsql_iam_mapping_restore() (mapping.c) refuses it
 *	  unless a superuser restores a dump with dsql_iam.allow_label_restore
 *	  on, and then writes the label itself after checking it.  A statement
 *	  on another kind of object is refused (0A000).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/pg_authid.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/syscache.h"

#include "dsql_iam.h"

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

static bool
is_admin_name(const char *name)
{
	return name != NULL && strcmp(name, DSQL_IAM_ADMIN_ROLE) == 0;
}

static void
refuse_admin_change(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s", what),
			 errdetail("Only the bootstrap superuser can create, drop, rename, alter or grant the admin role.")));
}

/* Refuse, but for the bootstrap superuser, granting membership in a
 * predefined role (see the file header). */
static void
refuse_predefined_grant(const char *rolename)
{
	Oid			roleid;

	if (rolename == NULL || dsql_iam_caller_is_bootstrap())
		return;
	roleid = get_role_oid(rolename, true);
	if (OidIsValid(roleid) && roleid < FirstNormalObjectId)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to grant role \"%s\"", dsql_iam_log_text(rolename)),
				 errdetail("Predefined roles carry server-level powers that Aurora DSQL's admin does not have; only the bootstrap superuser can grant them.")));
}

/*
 * A server-level power that DSQL's admin does not have (see the file header):
 * refused to everyone but the bootstrap superuser.  what completes
 * "permission denied to ...", detail is a full sentence.
 */
static void
refuse_server_power(const char *what, const char *detail)
{
	if (dsql_iam_caller_is_bootstrap())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s", what),
			 errdetail("%s", detail)));
}

#define DETAIL_ONE_DATABASE \
	"Aurora DSQL has one database, postgres, and its admin cannot create, drop, rename or reconfigure databases."
#define DETAIL_DEFAULTS \
	"Aurora DSQL's admin cannot change database-wide or all-role defaults: they would apply to every session, the bootstrap superuser's included."

static void
refuse_database_change(const char *verb, const char *dbname)
{
	if (dsql_iam_caller_is_bootstrap())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s database \"%s\"", verb,
					dsql_iam_log_text(dbname)),
			 errdetail(DETAIL_ONE_DATABASE)));
}

static void
refuse_defaults_change(const char *target)
{
	if (dsql_iam_caller_is_bootstrap())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to change the configuration of %s", target),
			 errdetail(DETAIL_DEFAULTS),
			 errhint("Set the parameter in your own session with SET.")));
}

/* CREATE ROLE / ALTER ROLE ... CREATEDB (true only: NOCREATEDB is harmless) */
static void
check_createdb_option(List *options, const char *rolename)
{
	ListCell   *lc;

	if (dsql_iam_caller_is_bootstrap())
		return;
	foreach(lc, options)
	{
		DefElem    *def = lfirst(lc);

		if (strcmp(def->defname, "createdb") == 0 && defGetBoolean(def))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to give role \"%s\" the CREATEDB attribute",
							dsql_iam_log_text(rolename)),
					 errdetail("Aurora DSQL's admin cannot create databases, so it cannot let other roles create them (PostgreSQL 16, DSQL's base, refuses it too).")));
	}
}

/*
 * A schema named after a superuser role comes first in that role's default
 * search_path ("$user", public): refused to all but the bootstrap superuser.
 */
static void
check_schema_name(const char *schemaname)
{
	HeapTuple	tuple;
	bool		super;

	if (schemaname == NULL || dsql_iam_caller_is_bootstrap())
		return;
	tuple = SearchSysCache1(AUTHNAME, CStringGetDatum(schemaname));
	if (!HeapTupleIsValid(tuple))
		return;
	super = ((Form_pg_authid) GETSTRUCT(tuple))->rolsuper;
	ReleaseSysCache(tuple);
	if (super)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to name a schema \"%s\"",
						dsql_iam_log_text(schemaname)),
				 errdetail("A schema named after a superuser role comes first in that role's default search_path; Aurora DSQL's admin cannot reach a superuser's sessions.")));
}

/*
 * Lock a role as DropRole does and return its mappings as text, or NULL.
 * Only when the caller could run the DDL at all (CREATEROLE), so that an
 * unprivileged DROP ROLE cannot hold a strong lock on somebody's role.
 */
static char *
lock_and_describe(Oid roleid)
{
	if (!has_createrole_privilege(GetUserId()))
		return NULL;
	LockSharedObject(AuthIdRelationId, roleid, 0, AccessExclusiveLock);
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(roleid)))
		return NULL;			/* dropped meanwhile: core reports it */
	return dsql_iam_mapping_describe(roleid);
}

static void
check_drop_role(DropRoleStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->roles)
	{
		RoleSpec   *spec = lfirst(lc);
		Oid			roleid;
		char	   *arns;

		if (spec->roletype != ROLESPEC_CSTRING)
			continue;			/* core refuses CURRENT_USER & co. */
		if (is_admin_name(spec->rolename) && !dsql_iam_caller_is_bootstrap())
			refuse_admin_change("drop role admin");
		roleid = get_role_oid(spec->rolename, true);
		if (!OidIsValid(roleid))
			continue;			/* core reports it, or skips IF EXISTS */
		arns = lock_and_describe(roleid);
		if (arns != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("role \"%s\" cannot be dropped because some objects depend on it",
							dsql_iam_log_text(spec->rolename)),
					 errdetail_internal("%s", arns),
					 errhint("Revoke the mappings first: AWS IAM REVOKE <role> FROM '<arn>' (sys.aws_iam_revoke() here).")));
	}
}

static void
check_alter_role(AlterRoleStmt *stmt)
{
	ListCell   *lc;
	bool		drops_login = false;
	Oid			roleid;
	char	   *arns;

	roleid = get_rolespec_oid(stmt->role, true);
	if (!OidIsValid(roleid))
		return;

	if (!dsql_iam_caller_is_bootstrap() &&
		is_admin_name(GetUserNameFromId(roleid, true)))
		refuse_admin_change("alter role admin");
	check_createdb_option(stmt->options, GetUserNameFromId(roleid, true));

	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst(lc);

		if (strcmp(def->defname, "canlogin") == 0 && !defGetBoolean(def))
			drops_login = true;
		/* ALTER GROUP g ADD USER u grants g to u */
		if (strcmp(def->defname, "rolemembers") == 0 && stmt->action > 0)
			refuse_predefined_grant(GetUserNameFromId(roleid, true));
	}
	if (!drops_login)
		return;

	arns = lock_and_describe(roleid);
	if (arns != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot remove the LOGIN attribute of role \"%s\"",
						dsql_iam_log_text(GetUserNameFromId(roleid, false))),
				 errdetail_internal("%s", arns),
				 errhint("Revoke the mappings first: AWS IAM REVOKE <role> FROM '<arn>' (sys.aws_iam_revoke() here).")));
}

static void
check_grant_role(GrantRoleStmt *stmt)
{
	ListCell   *lc;

	if (!stmt->is_grant || dsql_iam_caller_is_bootstrap())
		return;
	foreach(lc, stmt->granted_roles)
	{
		AccessPriv *priv = lfirst(lc);

		if (is_admin_name(priv->priv_name))
			refuse_admin_change("grant role admin");
		refuse_predefined_grant(priv->priv_name);
	}
}

static void
check_create_role(CreateRoleStmt *stmt)
{
	ListCell   *lc;

	if (dsql_iam_caller_is_bootstrap())
		return;
	if (is_admin_name(stmt->role))
		refuse_admin_change("create role admin");
	check_createdb_option(stmt->options, stmt->role);
	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst(lc);
		ListCell   *lc2;

		/* CREATE ROLE x IN ROLE admin grants admin to x */
		if (strcmp(def->defname, "addroleto") != 0)
			continue;
		foreach(lc2, (List *) def->arg)
		{
			RoleSpec   *spec = lfirst(lc2);

			if (spec->roletype != ROLESPEC_CSTRING)
				continue;
			if (is_admin_name(spec->rolename))
				refuse_admin_change("grant role admin");
			refuse_predefined_grant(spec->rolename);
		}
	}
}

static void
dsql_iam_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
						bool readOnlyTree, ProcessUtilityContext context,
						ParamListInfo params, QueryEnvironment *queryEnv,
						DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;

	switch (nodeTag(parsetree))
	{
		case T_DropRoleStmt:
			check_drop_role((DropRoleStmt *) parsetree);
			break;
		case T_AlterRoleStmt:
			check_alter_role((AlterRoleStmt *) parsetree);
			break;
		case T_CreateRoleStmt:
			check_create_role((CreateRoleStmt *) parsetree);
			break;
		case T_AlterRoleSetStmt:
			{
				AlterRoleSetStmt *stmt = (AlterRoleSetStmt *) parsetree;
				Oid			roleid;

				if (dsql_iam_caller_is_bootstrap())
					break;
				if (stmt->role == NULL)
				{
					/* ALTER ROLE ALL [IN DATABASE d] SET / RESET */
					refuse_defaults_change(stmt->database == NULL ? "all roles" :
										   psprintf("all roles in database \"%s\"",
													dsql_iam_log_text(stmt->database)));
					break;
				}
				roleid = get_rolespec_oid(stmt->role, true);
				if (OidIsValid(roleid) &&
					is_admin_name(GetUserNameFromId(roleid, true)))
					refuse_admin_change("alter role admin");
			}
			break;
		case T_SecLabelStmt:
			{
				SecLabelStmt *stmt = (SecLabelStmt *) parsetree;

				if (stmt->provider == NULL ||
					strcmp(stmt->provider, DSQL_IAM_PROVIDER) != 0)
					break;
				if (stmt->objtype != OBJECT_ROLE)
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("security label provider \"%s\" labels only roles",
									DSQL_IAM_PROVIDER)));
				dsql_iam_mapping_restore(strVal(stmt->object), stmt->label);
				return;			/* done: core must not write it again */
			}
		case T_AlterDatabaseSetStmt:
			{
				AlterDatabaseSetStmt *stmt = (AlterDatabaseSetStmt *) parsetree;

				if (!dsql_iam_caller_is_bootstrap())
					refuse_defaults_change(psprintf("database \"%s\"",
													dsql_iam_log_text(stmt->dbname)));
			}
			break;
		case T_AlterDatabaseStmt:
			refuse_database_change("alter", ((AlterDatabaseStmt *) parsetree)->dbname);
			break;
		case T_AlterDatabaseRefreshCollStmt:
			refuse_database_change("alter", ((AlterDatabaseRefreshCollStmt *) parsetree)->dbname);
			break;
		case T_CreatedbStmt:
			refuse_database_change("create", ((CreatedbStmt *) parsetree)->dbname);
			break;
		case T_DropdbStmt:
			refuse_database_change("drop", ((DropdbStmt *) parsetree)->dbname);
			break;
		case T_AlterOwnerStmt:
			{
				AlterOwnerStmt *stmt = (AlterOwnerStmt *) parsetree;

				if (stmt->objectType == OBJECT_DATABASE)
					refuse_database_change("change the owner of",
										   strVal(stmt->object));
			}
			break;
		case T_CreateExtensionStmt:
			refuse_server_power(psprintf("create extension \"%s\"",
										 dsql_iam_log_text(((CreateExtensionStmt *) parsetree)->extname)),
								"Aurora DSQL's admin cannot install extensions: an extension's script runs as the bootstrap superuser.");
			break;
		case T_AlterExtensionStmt:
			refuse_server_power(psprintf("update extension \"%s\"",
										 dsql_iam_log_text(((AlterExtensionStmt *) parsetree)->extname)),
								"Aurora DSQL's admin cannot install extensions: an extension's script runs as the bootstrap superuser.");
			break;
		case T_AlterExtensionContentsStmt:
			refuse_server_power(psprintf("alter extension \"%s\"",
										 dsql_iam_log_text(((AlterExtensionContentsStmt *) parsetree)->extname)),
								"Aurora DSQL's admin cannot change extensions.");
			break;
		case T_CreateSchemaStmt:
			{
				CreateSchemaStmt *stmt = (CreateSchemaStmt *) parsetree;

				/* CREATE SCHEMA AUTHORIZATION r names the schema r */
				if (stmt->schemaname != NULL)
					check_schema_name(stmt->schemaname);
				else if (stmt->authrole != NULL &&
						 stmt->authrole->roletype == ROLESPEC_CSTRING)
					check_schema_name(stmt->authrole->rolename);
			}
			break;
		case T_LoadStmt:
			refuse_server_power(psprintf("load library \"%s\"",
										 dsql_iam_log_text(((LoadStmt *) parsetree)->filename)),
								"Aurora DSQL's admin cannot load server libraries.");
			break;
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				if (stmt->renameType == OBJECT_DATABASE)
					refuse_database_change("rename", stmt->subname);
				if (stmt->renameType == OBJECT_SCHEMA)
					check_schema_name(stmt->newname);
				if (stmt->renameType == OBJECT_ROLE &&
					!dsql_iam_caller_is_bootstrap() &&
					(is_admin_name(stmt->subname) ||
					 is_admin_name(stmt->newname)))
					refuse_admin_change("rename role admin");
			}
			break;
		case T_GrantRoleStmt:
			check_grant_role((GrantRoleStmt *) parsetree);
			break;
		default:
			break;
	}

	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
							params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

void
dsql_iam_utility_init(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = dsql_iam_ProcessUtility;
}
