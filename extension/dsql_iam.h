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
 *	  Strict mode (Aurora DSQL's SQL rules, see strict_rules.c):
 *	  strict.c         the mode (GUCs), the hooks and the per-transaction
 *	                   state: DDL/DML, row and size limits, age, conflicts
 *	  strict_rules.c   the dated ruleset: one entry per rule, its SQLSTATE,
 *	                   message, certainty, source and date; the refusal
 *	  strict_utility.c rules on utility statements (ProcessUtility trees)
 *	  strict_query.c   rules on analysed queries; version() rewritten
 *	  occ.c            table access method dsql_occ: optimistic concurrency
 *	                   (no row-lock waits, the loser fails at COMMIT)
 *	  environment.c    DSQL's session environment (server_version 16.15,
 *	                   TimeZone UTC, REPEATABLE READ), sys.version(),
 *	                   sys.iam_session_user(), sys.current_session_id()
 *	  jobs.c           sys.jobs, CREATE INDEX ASYNC (sys.create_index_async),
 *	                   CALL sys.wait_for_job
 *
 *-------------------------------------------------------------------------
 */
#ifndef DSQL_IAM_H
#define DSQL_IAM_H

#include "catalog/objectaddress.h"
#include "nodes/parsenodes.h"
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
 * ereport(ERROR) on an absent revoke (42704) or a corrupt label (XX001).  A
 * duplicate grant is silently ignored as on DSQL: add returns false and
 * writes nothing.
 */
extern bool dsql_iam_mapping_lock_role(Oid roleid);
extern bool dsql_iam_mapping_add(Oid roleid, const char *rolename,
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

/* ---- strict_rules.c: the ruleset ---- */

/* Name and date of the ruleset (shown by sys.strict_ruleset()). */
#define DSQL_STRICT_RULESET_NAME	"aurora-dsql-2026.09"
#define DSQL_STRICT_RULESET_DATE	"2026-09-18"

/*
 * One rule: what Aurora DSQL was seen refusing, and how it answered.
 * Certainty, as in shared/reference/dsql-rules.md: "rec" (a recorded answer
 * of a real cluster, exact text), "lint" (AWS's dsql-lint refuses it),
 * "obs" (a third-party observation), "doc" (AWS documentation).  When DSQL's
 * text is not recorded (exact = false) the message is ours, in DSQL's
 * style.  A rule refusing a whole statement kind names its parse node
 * (node, node_name: "unsupported statement: <node_name>"); a rule refusing
 * a data type names it (type, or one of the type classes below).
 */
typedef struct DsqlStrictRule
{
	const char *id;				/* stable name, e.g. "tx.multiple_ddl" */
	const char *family;			/* transaction, statement, object, table,
								 * alter_table, index, type, sequence,
								 * function, set, role, privilege, query,
								 * environment, concurrency */
	const char *sqlstate;		/* five characters */
	const char *message;		/* at most one %s, filled by the caller */
	const char *certainty;		/* rec, lint, obs, doc */
	bool		exact;			/* message seen verbatim on DSQL */
	const char *source;			/* repository, file and probe, or document */
	const char *seen;			/* date of the record, YYYY-MM-DD */
	NodeTag		node;			/* statement kind, or T_Invalid */
	const char *node_name;		/* node's name as DSQL prints it */
	Oid			type;			/* data type, or a DSQL_STRICT_TYPE_* class */
	bool		in_queries;		/* type refused in any expression, not only
								 * as a column */
} DsqlStrictRule;

/* Type classes for DsqlStrictRule.type (not real OIDs: never in pg_type). */
#define DSQL_STRICT_TYPE_ANY_ARRAY	((Oid) 1)
#define DSQL_STRICT_TYPE_ANY_RANGE	((Oid) 2)

/* The rules referred to by name from the enforcing code. */
typedef enum DsqlStrictRuleId
{
	DSQL_RULE_TX_MULTIPLE_DDL,
	DSQL_RULE_TX_DDL_AND_DML,
	DSQL_RULE_TX_SAVEPOINT,
	DSQL_RULE_TX_ROLLBACK_TO,
	DSQL_RULE_TX_RELEASE,
	DSQL_RULE_TX_ISOLATION,
	DSQL_RULE_TX_ROW_LIMIT,
	DSQL_RULE_TX_SIZE_LIMIT,
	DSQL_RULE_TX_AGE,
	DSQL_RULE_OCC_CONFLICT,
	DSQL_RULE_SET_PARAMETER,
	DSQL_RULE_SHOW_LC_COLLATE,
	DSQL_RULE_VACUUM,
	DSQL_RULE_MERGE,
	DSQL_RULE_CREATE_TRIGGER,
	DSQL_RULE_CREATE_TYPE,
	DSQL_RULE_ALTER_TYPE,
	DSQL_RULE_DROP_OBJECT,
	DSQL_RULE_RENAME_OBJECT,
	DSQL_RULE_TEMP_TABLE,
	DSQL_RULE_UNLOGGED_TABLE,
	DSQL_RULE_TEMP_VIEW,
	DSQL_RULE_PARTITIONED_TABLE,
	DSQL_RULE_INHERITS,
	DSQL_RULE_TABLESAMPLE,
	DSQL_RULE_LOCKING_CLAUSE,
	DSQL_RULE_INDEX_SYNC,
	DSQL_RULE_INDEX_CONCURRENTLY,
	DSQL_RULE_INDEX_METHOD,
	DSQL_RULE_AT_ADD_COLUMN_CONSTRAINT,
	DSQL_RULE_AT_ADD_CONSTRAINT,
	DSQL_RULE_AT_COLUMN_TYPE,
	DSQL_RULE_AT_VALIDATE,
	DSQL_RULE_AT_DROP_PK_COLUMN,
	DSQL_RULE_AT_SET_NOT_NULL,
	DSQL_RULE_AT_DROP_CONSTRAINT,
	DSQL_RULE_AT_ADD_IDENTITY,
	DSQL_RULE_AT_ROW_SECURITY,
	DSQL_RULE_AT_REPLICA_IDENTITY,
	DSQL_RULE_TYPE_SERIAL,
	DSQL_RULE_SEQUENCE_CACHE,
	DSQL_RULE_SEQUENCE_TYPE,
	DSQL_RULE_IDENTITY_CACHE,
	DSQL_RULE_IDENTITY_TYPE,
	DSQL_RULE_FUNCTION_LANGUAGE,
	DSQL_RULE_CREATE_PROCEDURE,
	DSQL_RULE_ALTER_ROLE_OPTION,
	DSQL_RULE_SCHEMA_PUBLIC_GRANT,
	DSQL_RULE_SCHEMA_PUBLIC_OWNER,
	DSQL_RULE_DEFAULT_PRIVILEGES,
	DSQL_RULE_TEXT_SEARCH_ENGLISH,
	DSQL_RULE_DEALLOCATE,
	DSQL_RULE_LIMIT_SCHEMAS,
	DSQL_RULE_LIMIT_TABLES,
	DSQL_RULE_CATALOG_PG_DATABASE,
	DSQL_RULE_FIRST_TABLE_DRIVEN	/* statement kinds and types follow */
} DsqlStrictRuleId;

extern const DsqlStrictRule dsql_strict_rules[];
extern const int dsql_strict_rule_count;

/*
 * Refuse with a rule: ERROR with its SQLSTATE and message (arg fills its
 * %s; NULL when it has none), a detail naming the rule and its source.
 */
extern void dsql_strict_refuse(int rule, const char *arg) pg_attribute_noreturn();
extern void dsql_strict_refuse_rule(const DsqlStrictRule *rule,
									const char *arg) pg_attribute_noreturn();

/* The rule refusing a statement kind, or NULL. */
extern const DsqlStrictRule *dsql_strict_rule_for_node(NodeTag tag);

/* The rule refusing a data type (as a column; in_queries: anywhere), or NULL. */
extern const DsqlStrictRule *dsql_strict_rule_for_type(Oid typid,
													   bool in_queries);

/* ---- strict.c: the mode and the transaction state ---- */

/* GUC dsql_iam.strict (PGC_SIGHUP, default off; dsqlctl local up sets it). */
extern bool dsql_iam_strict;

/* GUC dsql_iam.strict_transaction_age, seconds (0: no limit). */
extern int	dsql_iam_strict_transaction_age;

/* Statement limits of a transaction (DSQL's quotas). */
#define DSQL_STRICT_MAX_ROWS		3000
#define DSQL_STRICT_MAX_BYTES		(10 * 1024 * 1024)

/* Quotas of a database (DSQL's documentation): user schemas (public counts,
 * sys and pg_* do not), tables in them. */
#define DSQL_STRICT_MAX_SCHEMAS		10
#define DSQL_STRICT_MAX_TABLES		1000

/*
 * True when this session follows DSQL's rules now: the mode is on, this is
 * a client backend, it did not log in as the bootstrap superuser, and no
 * internal operation of ours is running (see dsql_iam_strict_internal_*).
 */
extern bool dsql_iam_strict_active(void);

/*
 * True when the session is strict and its transaction uses a snapshot
 * (REPEATABLE READ): DSQL's optimistic concurrency applies (occ.c).
 */
extern bool dsql_iam_occ_active(void);

/* A DDL statement (or an operation DSQL counts as one) starts: refuse a
 * second one and DDL after DML.  what names it for nobody but a reader. */
extern void dsql_iam_strict_note_ddl(void);

/* Internal operations of ours (jobs, index builds): rules and counting
 * suspended between begin and end (end also runs on error). */
extern void dsql_iam_strict_internal_begin(void);
extern void dsql_iam_strict_internal_end(void);

/* occ.c reports: the transaction must fail at COMMIT (relation for the
 * detail); a row written by this statement was skipped (counts as done). */
extern void dsql_iam_strict_doom(Oid relid);
extern void dsql_iam_strict_row_skipped(void);

/* occ.c reports bytes a statement writes (new row versions). */
extern void dsql_iam_strict_add_bytes(Size bytes);

extern void dsql_iam_strict_init(void);

/* ---- strict_utility.c, strict_query.c ---- */

/*
 * Refuses a utility statement DSQL refuses (ERROR), else returns.  May
 * return a modified copy of the statement to run instead (CREATE TABLE gets
 * the dsql_occ access method), or NULL to run it as it is.
 */
extern Node *dsql_strict_check_utility(Node *parsetree, bool toplevel);

/* Checks a CREATE INDEX (also the one CREATE INDEX ASYNC runs). */
extern void dsql_strict_check_index(IndexStmt *stmt, bool async);

/*
 * After CREATE [OR REPLACE] FUNCTION with a SQL-standard body: runs the
 * query rules on the stored body (ERROR rolls the CREATE back).
 */
extern void dsql_strict_check_function_body(CreateFunctionStmt *stmt);

/*
 * After CREATE/ALTER TABLE and DOMAIN: runs the query rules on the column
 * DEFAULTs and CHECK constraints this transaction stored (ERROR rolls the
 * statement back).
 */
extern void dsql_strict_check_stored_exprs(void);

/* The query rules on one expression (no version() rewrite kept). */
extern void dsql_strict_check_expr(Node *expr);

/* Refuses an analysed query DSQL refuses; rewrites version() calls. */
extern void dsql_strict_check_query(Query *query);

/*
 * Refuses setting a configuration parameter DSQL does not let a session set
 * (role, session_authorization, default_transaction_isolation; an isolation
 * level other than REPEATABLE READ), whatever the path: SET, set_config().
 * value: the new value when known, else NULL.
 */
extern void dsql_strict_check_parameter(const char *name, const char *value);

/* ---- occ.c ---- */
extern void dsql_iam_occ_init(void);

/* Name of the table access method (created by the 0.2 script). */
#define DSQL_OCC_AM_NAME "dsql_occ"

/* ---- environment.c ---- */

/* Installs the session hook (after auth.c's): DSQL's environment for
 * strict sessions. */
extern void dsql_iam_environment_init(void);

/* True when this session got DSQL's environment (it started strict). */
extern bool dsql_iam_environment_applied(void);

/* Called by auth.c when a token authenticated the session. */
extern void dsql_iam_session_set_principal(const char *arn);

/* The text version() returns in strict sessions. */
extern const char *dsql_iam_strict_version_string(void);

/* OID of sys.version(), or InvalidOid when the extension is not created
 * in this database. */
extern Oid	dsql_iam_version_function(void);

#endif							/* DSQL_IAM_H */
