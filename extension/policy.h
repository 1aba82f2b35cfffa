/*-------------------------------------------------------------------------
 *
 * policy.h
 *	  IAM policy evaluation for Aurora DSQL connections, in plain C: the
 *	  principal's identity policies and the cluster's resource-based policy,
 *	  evaluated together as AWS does (an explicit Deny anywhere wins; an
 *	  Allow in either grants a principal of the cluster's account; other
 *	  accounts are refused, as DSQL's resource-based policies grant only its
 *	  own account), with IAM policy variables and condition operators over
 *	  a request context built from the token, the connection and local
 *	  context keys.
 *
 *	  One implementation, compiled twice like sigv4.c: by PGXS into dsql_iam
 *	  (the auth hook, auth.c) and by CMake into dsql_policy, which dsqlctl
 *	  (`iam simulate`, and the checks of `iam put-policy` /
 *	  `put-cluster-policy`) and the tests link.  No PostgreSQL header, no
 *	  allocation (the caller provides dsql_policy_work), no longjmp; it reads
 *	  the normalised statements of the local IAM state through sqlite3.
 *
 *	  Semantics (AWS's IAM documentation, "Policy evaluation logic",
 *	  "Condition operators", "Variables and tags"; Aurora DSQL's
 *	  "Resource-based policies"):
 *	  - Action: case-insensitive, '*' and '?' wildcards; NotAction.
 *	  - Resource: case-sensitive wildcards against the cluster ARN, policy
 *	    variables substituted (Version 2012-10-17 only; ${*} ${?} ${$} are
 *	    literal characters, ${key, 'default'} a default); NotResource.
 *	  - Principal (cluster policy): "*", an account ("123456789012" or its
 *	    ":root" ARN) or an exact IAM role/user ARN; NotPrincipal.
 *	  - Condition: every (operator, key) block must hold, any of its values
 *	    may match; String*, Arn*, Numeric*, Date*, Bool, IpAddress,
 *	    NotIpAddress, Null, the ...IfExists suffix and the ForAnyValue: /
 *	    ForAllValues: prefixes.  A key absent from the request: positive
 *	    operators are false, negated ones true, IfExists true, Null per its
 *	    value; a variable whose key is absent (no default) makes its
 *	    statement invalid (it never applies).
 *	  - Local rule, fail closed: a statement that names a condition key or
 *	    operator this evaluator does not know, or that could not be stored
 *	    as understood (statements.unsupported), is undecidable: as an Allow
 *	    it never grants, as a Deny it always applies.
 *
 *	  The request context (keys compared case-insensitively):
 *	    aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType ("User" or
 *	    "AssumedRole": a local role's access key stands for a role session),
 *	    aws:userid (a user's id; "<role id>:<access key id>" for a role),
 *	    aws:username (users only), aws:SecureTransport, aws:SourceIp (TCP),
 *	    aws:CurrentTime, aws:EpochTime, aws:RequestedRegion,
 *	    aws:ResourceAccount, aws:PrincipalIsAWSService and
 *	    aws:ViaAWSService ("false"), then the local context keys of the IAM
 *	    state (dsqlctl iam set-context: aws:PrincipalOrgID, aws:SourceVpc,
 *	    aws:PrincipalTag/..., for one principal or for all).  Keys AWS
 *	    defines but the local request lacks (aws:PrincipalOrgID when unset,
 *	    aws:SourceVpc: the local endpoint is the public internet, ...) are
 *	    absent; any other key is unknown.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DSQL_POLICY_H
#define DSQL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#ifdef __cplusplus
extern "C"
{
#endif

/* The schema version of the local IAM state that this code reads and that
 * dsqlctl writes (PRAGMA user_version; dsl/iam/state.hpp). */
#define DSQL_IAM_STATE_SCHEMA_VERSION	3
/* The oldest version this code reads: version 3 only adds the local STS's tables
 * and a column (trust policies, OIDC providers, session names), none read here. */
#define DSQL_IAM_STATE_SCHEMA_MIN_READ	2
#define DSQL_IAM_STATE_SCHEMA_KNOWN(v) \
	((v) >= DSQL_IAM_STATE_SCHEMA_MIN_READ && (v) <= DSQL_IAM_STATE_SCHEMA_VERSION)

/* Bounds, checked when a policy is stored and again when it is read. */
#define DSQL_POLICY_DOCUMENT_MAX_LEN	65536	/* a policy document, bytes */
#define DSQL_POLICY_TEXT_MAX_LEN		2048	/* an Action, Resource, Principal or
												 * condition value (also after
												 * substitution) */
#define DSQL_POLICY_KEY_MAX_LEN			128 /* a condition or context key */
#define DSQL_POLICY_VALUE_MAX_LEN		1024	/* a context value */
#define DSQL_POLICY_MAX_CONTEXT			64	/* context entries per request */

/* What a token connection asks. Strings are NUL-terminated; NULL: absent. */
typedef struct dsql_policy_request
{
	const char *action;			/* "dsql:DbConnect" or "dsql:DbConnectAdmin",
								 * any case */
	const char *cluster_arn;	/* the resource: the local cluster's ARN */
	const char *principal_id;	/* principals.id of the key's principal */
	const char *principal_arn;	/* its ARN (role or user) */
	const char *access_key_id;	/* the key (a role session's name) */
	const char *region;			/* aws:RequestedRegion: the token's region */
	const char *source_ip;		/* aws:SourceIp, NULL on a Unix socket */
	bool		secure_transport;	/* aws:SecureTransport */
	int64_t		now;			/* Unix time of the request */
} dsql_policy_request;

typedef enum dsql_policy_decision
{
	DSQL_POLICY_ALLOW,
	DSQL_POLICY_DENY,			/* explicit or implicit: the reason says */
	DSQL_POLICY_ERROR			/* the state could not be read: refuse */
} dsql_policy_decision;

typedef struct dsql_policy_entry
{
	char		key[DSQL_POLICY_KEY_MAX_LEN + 1];
	char		value[DSQL_POLICY_VALUE_MAX_LEN + 1];
} dsql_policy_entry;

/* Working memory of one evaluation (about 80 KiB): the caller provides it. */
typedef struct dsql_policy_work
{
	int			nentries;
	dsql_policy_entry entries[DSQL_POLICY_MAX_CONTEXT];
	char		text[DSQL_POLICY_TEXT_MAX_LEN + 1];	/* a value, substituted */
	unsigned char literal[DSQL_POLICY_TEXT_MAX_LEN + 1];	/* 1: not a wildcard */
	char		unknown[DSQL_POLICY_KEY_MAX_LEN + 64];	/* why undecidable */
} dsql_policy_work;

/*
 * Evaluates req against the identity policies of req->principal_id and the
 * cluster policy of req->cluster_arn in db (a local IAM state at
 * DSQL_IAM_STATE_SCHEMA_VERSION; the caller checks the version).  Writes a
 * sentence to reason (without final period) for every outcome, naming the
 * deciding policy and statement.
 */
extern dsql_policy_decision dsql_policy_evaluate(sqlite3 *db,
												 const dsql_policy_request *req,
												 dsql_policy_work *work,
												 char *reason, size_t reason_len);

/* ---- what the normaliser (dsl/iam/state.cpp) checks with ---- */

/* Whether op is a condition operator this evaluator knows (with its
 * ForAnyValue:/ForAllValues: prefix and IfExists suffix). */
extern bool dsql_policy_operator_is_known(const char *op);

/* Whether key is computed for every request (dsqlctl cannot set it). */
extern bool dsql_policy_key_is_computed(const char *key);

/* Whether key is computed or one AWS defines that a local request may lack
 * (settable with dsqlctl iam set-context).  Any other key is unknown. */
extern bool dsql_policy_key_is_known(const char *key);

/*
 * Checks the policy-variable syntax of text (${key}, ${key, 'default'},
 * ${*}, ${?}, ${$}); in a Resource, variables may appear only after the
 * fifth colon.  Returns true when well formed, else false with a sentence
 * in why.
 */
extern bool dsql_policy_check_variables(const char *text, bool resource,
										char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif							/* DSQL_POLICY_H */
