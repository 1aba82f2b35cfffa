/*-------------------------------------------------------------------------
 *
 * dsql_iam.h
 *	  Private header of the dsql_iam extension: the interfaces between its
 *	  C files.  Nothing here is installed or used outside extension/.
 *
 *	  dsql_iam.c   module entry point (_PG_init), installs the hooks
 *	  utility.c    ProcessUtility hook: DROP ROLE / ALTER ROLE / admin guards
 *	  mapping.c    the mapping store (role <-> IAM ARN), the only code that
 *	               knows how and where mappings are stored
 *	  arn.c        IAM ARN syntax check
 *	  grant.c      SQL-callable procedures sys.aws_iam_grant/_revoke and
 *	               the functions behind the view
 *	  auth.c       ClientAuthentication_hook: IAM token authentication
 *	  log.c        log safety: the escaping helper and the emit_log_hook
 *	  policy.c     IAM policy evaluation in plain C (policy.h; shared with the CLI)
 *	  sigv4.c      SigV4 / DSQL tokens in plain C (sigv4.h; shared with the CLI)
 *
 *-------------------------------------------------------------------------
 */
#ifndef DSQL_IAM_H
#define DSQL_IAM_H

#include "catalog/objectaddress.h"
#include "nodes/pg_list.h"

/* Name of the security label provider, also the GUC prefix. */
#define DSQL_IAM_PROVIDER	"dsql_iam"

/* DSQL's predefined administrative role. */
#define DSQL_IAM_ADMIN_ROLE "admin"

/* IAM limits (see arn.c). */
#define DSQL_IAM_ARN_MAX_LEN		2048
#define DSQL_IAM_PATH_MAX_LEN		512
#define DSQL_IAM_NAME_MAX_LEN		64

/* Upper bound of mappings attached to one role (keeps labels small). */
#define DSQL_IAM_MAX_MAPPINGS_PER_ROLE 1000

/* ---- arn.c ---- */

/*
 * Returns true when arn is a well-formed IAM role or user ARN.  When it is
 * not and reason is not NULL, *reason points to a static sentence saying why.
 */
extern bool dsql_iam_arn_is_valid(const char *arn, const char **reason);

/* ---- mapping.c: the mapping store ---- */

/* One (role, ARN) mapping. */
typedef struct DsqlIamMapping
{
	Oid			iam_oid;		/* stable identifier of the IAM principal */
	Oid			grantor;		/* role that ran sys.aws_iam_grant(), or
								 * InvalidOid when restored from a dump before
								 * that role existed (see grantor_name) */
	char	   *arn;			/* palloc'd */
	char	   *grantor_name;	/* palloc'd name of the grantor at grant
								 * time, or NULL (labels written before it
								 * was recorded) */
} DsqlIamMapping;

/*
 * Read side (usable during authentication: touches only the shared catalog
 * pg_shseclabel, needs a transaction but no database).
 *
 * dsql_iam_mapping_list: the mappings of a role, a List of DsqlIamMapping *,
 * NIL when none.  A label that cannot be parsed is reported at elevel; when
 * elevel < ERROR the function then returns NIL and sets *corrupt (if given).
 *
 * dsql_iam_mapping_exists: true when (roleid, arn) is mapped.  A corrupt
 * label is reported at elevel and counts as "not mapped".
 */
extern List *dsql_iam_mapping_list(Oid roleid, int elevel, bool *corrupt);
extern bool dsql_iam_mapping_exists(Oid roleid, const char *arn, int elevel);
extern void dsql_iam_mapping_list_free(List *mappings);

/*
 * Write side (grant.c only).  dsql_iam_mapping_lock_role() takes the
 * writers' locks (see mapping.c) and returns false when the role no longer
 * exists; callers take it before checking the role (LOGIN, ...).  Add and
 * remove take it again (a no-op then), re-check that the role exists, and
 * ereport(ERROR) on a duplicate grant (42710), an absent revoke (42704) or a
 * corrupt label (XX001).
 */
extern bool dsql_iam_mapping_lock_role(Oid roleid);
extern void dsql_iam_mapping_add(Oid roleid, const char *rolename,
								 const char *arn, Oid grantor);
extern void dsql_iam_mapping_remove(Oid roleid, const char *rolename,
									const char *arn);

/*
 * Enumerate every mapping of the cluster (for the sys.iam_pg_role_mappings
 * view).  Corrupt labels are skipped with a WARNING.
 */
typedef void (*dsql_iam_mapping_visitor) (Oid roleid,
										  const DsqlIamMapping *mapping,
										  void *arg);
extern void dsql_iam_mapping_foreach(dsql_iam_mapping_visitor visitor,
									 void *arg);

/*
 * The role's mappings for an errdetail, one "IAM mapping to <arn>" line each
 * (at most 10, then "and N other IAM mappings"), or NULL when the role has
 * no (readable) mapping.
 */
extern char *dsql_iam_mapping_describe(Oid roleid);

/*
 * The grantor of a mapping as the view shows it: m->grantor, or when that is
 * InvalidOid the role named m->grantor_name if it exists now.
 */
extern Oid	dsql_iam_mapping_grantor(const DsqlIamMapping *m);

/*
 * SECURITY LABEL FOR dsql_iam ON ROLE ... IS ... (what pg_dumpall emits).
 * Called by utility.c for every such statement instead of core: refused
 * unless dsql_iam.allow_label_restore is on and the current user is a
 * superuser; then the label is checked (syntax, LOGIN, not admin, iam_oids
 * consistent with the other roles), its grantors are resolved by name, and
 * it replaces the role's mappings.
 */
extern void dsql_iam_mapping_restore(const char *rolename,
									 const char *seclabel);

/*
 * Security label provider hook.  Reached only by statements that did not
 * name the provider (utility.c takes the others): always refuses.
 */
extern void dsql_iam_relabel_hook(const ObjectAddress *object,
								  const char *seclabel);

/* ---- dsql_iam.c ---- */

/* GUC dsql_iam.allow_label_restore (superuser-only, default off). */
extern bool dsql_iam_allow_label_restore;

/* ---- utility.c ---- */
extern void dsql_iam_utility_init(void);

/* ---- auth.c ---- */

/* Defines the auth GUCs (dsql_iam.auth_mode, ...) and installs the hook. */
extern void dsql_iam_auth_init(void);

/* Whether the local IAM state (dsql_iam.state_file) knows a principal ARN. */
typedef enum DsqlIamPrincipalLookup
{
	DSQL_IAM_PRINCIPAL_KNOWN,
	DSQL_IAM_PRINCIPAL_UNKNOWN,
	DSQL_IAM_PRINCIPAL_NO_STATE,	/* dsql_iam.state_file is not set */
	DSQL_IAM_PRINCIPAL_ERROR	/* *reason (palloc'd) says why */
} DsqlIamPrincipalLookup;
extern DsqlIamPrincipalLookup dsql_iam_principal_lookup(const char *arn,
														 char **reason);

/* ---- log.c ---- */

/*
 * The escaped form of s for a log message (palloc'd, one printable line):
 * control characters, U+2028/U+2029, invalid UTF-8 and backslashes become
 * \n \r \t \\ or \xNN; "(null)" for NULL.  Every message of dsql_iam that
 * carries text from outside passes it through this.
 */
extern char *dsql_iam_log_text(const char *s);
extern bool dsql_iam_log_text_is_safe(const char *s);

/* Installs the emit_log_hook (see log.c). */
extern void dsql_iam_log_init(void);

/* ---- grant.c ---- */

/*
 * True when the current user is the bootstrap superuser (the hidden
 * plumbing of the local emulation, OID 10).
 */
extern bool dsql_iam_caller_is_bootstrap(void);

/* True when the current user is the bootstrap superuser or the role admin. */
extern bool dsql_iam_caller_is_admin(void);

#endif							/* DSQL_IAM_H */
