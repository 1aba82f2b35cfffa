/*-------------------------------------------------------------------------
 *
 * dsql_iam.c
 *	  Entry point of the dsql_iam extension: a local emulation of Aurora
 *	  DSQL's IAM layer for PostgreSQL 15 (see /work/shared/DESIGN.md).
 *
 *	  The library must be loaded through shared_preload_libraries: the
 *	  security label provider and the hooks have to exist in every backend,
 *	  including those that never ran CREATE EXTENSION (authentication,
 *	  DROP ROLE from another database).  Loading it any other way fails,
 *	  which also makes CREATE EXTENSION fail on a server without it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/seclabel.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "dsql_iam.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

bool		dsql_iam_allow_label_restore = false;

void
_PG_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dsql_iam must be loaded via shared_preload_libraries"),
				 errhint("Add dsql_iam to shared_preload_libraries in postgresql.conf and restart the server.")));

	DefineCustomBoolVariable(DSQL_IAM_PROVIDER ".allow_label_restore",
							 "Accepts SECURITY LABEL FOR dsql_iam from a superuser.",
							 "Set it for the session that restores a pg_dumpall "
							 "script; mappings are otherwise written only by "
							 "sys.aws_iam_grant() and sys.aws_iam_revoke().",
							 &dsql_iam_allow_label_restore,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	dsql_iam_auth_init();
	dsql_iam_log_init();
	/* after auth.c: its hook runs first, then the session environment's */
	dsql_iam_environment_init();

	register_label_provider(DSQL_IAM_PROVIDER, dsql_iam_relabel_hook);
	dsql_iam_utility_init();
	/* after utility.c: strict mode's ProcessUtility hook runs first */
	dsql_iam_strict_init();
	dsql_iam_occ_init();

	/* Define GUCs above this line: it rejects unknown dsql_iam.* settings. */
	MarkGUCPrefixReserved(DSQL_IAM_PROVIDER);
}
