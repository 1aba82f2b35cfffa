/*-------------------------------------------------------------------------
 *
 * policy.h
 *	  IAM policy evaluation in plain C: THE evaluator of this project.  One
 *	  request asks whether a principal (or a web identity) may perform an
 *	  action on a resource; the caller's identity policies and the resource's
 *	  resource-based policy are evaluated together, with IAM policy variables
 *	  and condition operators over a request context.  Two kinds of resource:
 *
 *	  - an Aurora DSQL cluster (dsql:DbConnect, dsql:DbConnectAdmin) with its
 *	    cluster policy: the auth hook (auth.c), `dsqlctl iam simulate`;
 *	  - an IAM role (sts:AssumeRole, sts:AssumeRoleWithWebIdentity) with its
 *	    trust policy: the local STS (dsl/iam/sts_server.cpp through
 *	    dsl/iam/trust.hpp), `dsqlctl iam simulate --role`.
 *
 *	  Both kinds share every step (statements, Action, Principal, Condition,
 *	  variables, unknown keys); they differ only where AWS's rules do, in how
 *	  the two policies combine (dsql_policy_evaluate below).
 *
 *	  One implementation, compiled twice like sigv4.c: by PGXS into dsql_iam
 *	  and by CMake into dsql_policy, which dsqlctl, the local STS and the
 *	  tests link.  No PostgreSQL header, no allocation (the caller provides
 *	  dsql_policy_work), no longjmp; it reads the normalised statements of
 *	  the local IAM state through sqlite3.
 *
 *	  Semantics (AWS's IAM documentation, "Policy evaluation logic",
 *	  "Cross-account policy evaluation logic", "How IAM roles differ from
 *	  resource-based policies", "Condition operators", "Variables and tags";
 *	  Aurora DSQL's "Resource-based policies"):
 *	  - Action: case-insensitive, '*' and '?' wildcards; NotAction.
 *	  - Resource: case-sensitive wildcards against the resource ARN, policy
 *	    variables substituted (Version 2012-10-17 only; ${*} ${?} ${$} are
 *	    literal characters, ${key, 'default'} a default); NotResource.  A
 *	    trust policy has no Resource: its statements are about its role.
 *	  - Principal (resource-based policies): "*", an account ("123456789012"
 *	    or its ":root" ARN), an exact IAM role or user ARN, a role session
 *	    ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>; a role's
 *	    ARN also names every session of it), a Federated identity provider
 *	    (the web identity's provider ARN); Service principals never match a
 *	    local caller; NotPrincipal (cluster policies: the caller is exempt
 *	    when any listed principal names it).
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
 *	    computed for a principal: aws:PrincipalArn (a role session's role),
 *	    aws:PrincipalAccount, aws:PrincipalType ("User" or "AssumedRole": a
 *	    local role's access key stands for a role session), aws:userid (a
 *	    user's id; "<role id>:<access key id or session name>" for a role),
 *	    aws:username (users only); for every request: aws:SecureTransport,
 *	    aws:SourceIp (TCP), aws:CurrentTime, aws:EpochTime,
 *	    aws:RequestedRegion, aws:ResourceAccount, aws:PrincipalIsAWSService
 *	    and aws:ViaAWSService ("false"); then the local context keys of the
 *	    IAM state (dsqlctl iam set-context: aws:PrincipalOrgID, aws:SourceVpc,
 *	    aws:PrincipalTag/..., for one principal or for all; not for a web
 *	    identity, which is no principal of the state); then the request's
 *	    own keys (dsql_policy_request.context):
 *	      for sts: actions on a role: sts:ExternalId, sts:RoleSessionName,
 *	      sts:SourceIdentity, sts:TransitiveTagKeys (absent unless given);
 *	      for a web identity of provider arn:...:oidc-provider/<host/path>:
 *	      <host/path>:aud and <host/path>:sub (any other provider's are
 *	      known on a role, and absent).
 *	    Keys AWS defines but the local request lacks (aws:PrincipalOrgID
 *	    when unset, aws:SourceVpc: the local endpoint is the public
 *	    internet, ...) are absent; any other key is unknown.
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
#define DSQL_IAM_STATE_SCHEMA_VERSION	4
/* The oldest version this code reads: version 4 renamed the resource-based
 * policies' tables and columns (cluster_arn -> resource_arn); dsqlctl migrates
 * an older file when it opens it. */
#define DSQL_IAM_STATE_SCHEMA_MIN_READ	4
#define DSQL_IAM_STATE_SCHEMA_KNOWN(v) \
	((v) >= DSQL_IAM_STATE_SCHEMA_MIN_READ && (v) <= DSQL_IAM_STATE_SCHEMA_VERSION)

/* Bounds, checked when a policy is stored and again when it is read. */
#define DSQL_POLICY_DOCUMENT_MAX_LEN	65536	/* a policy document, bytes */
#define DSQL_POLICY_TEXT_MAX_LEN		2048	/* an Action, Resource, Principal or
												 * condition value (also after
												 * substitution) */
#define DSQL_POLICY_KEY_MAX_LEN			128 /* a condition or context key */
#define DSQL_POLICY_VALUE_MAX_LEN		1224	/* a context value (STS's longest:
												 * an ExternalId) */
#define DSQL_POLICY_MAX_CONTEXT			64	/* context entries per request */

/*
 * The kind of resource a request is about: which resource-based policy is
 * evaluated with the identity policies, and how the two combine.
 */
typedef enum dsql_policy_resource_kind
{
	DSQL_POLICY_CLUSTER = 0,	/* an Aurora DSQL cluster and its cluster
								 * policy (DSQL's rule) */
	DSQL_POLICY_ROLE			/* an IAM role and its trust policy (IAM's
								 * rule for AssumeRole*) */
} dsql_policy_resource_kind;

/* One key of the request's own context (dsql_policy_request.context). */
typedef struct dsql_policy_context_value
{
	const char *key;
	const char *value;
} dsql_policy_context_value;

/* What a request asks. Strings are NUL-terminated; NULL: absent. */
typedef struct dsql_policy_request
{
	const char *action;			/* "dsql:DbConnect", "dsql:DbConnectAdmin",
								 * "sts:AssumeRole", ..., any case */
	dsql_policy_resource_kind resource_kind;	/* 0: a cluster */
	const char *resource_arn;	/* the resource (a cluster's or a role's ARN),
								 * whose resource-based policy
								 * (resource_policies) is evaluated */
	const char *principal_id;	/* principals.id of the caller, NULL for a
								 * web identity */
	const char *principal_arn;	/* its ARN (role or user), NULL likewise */
	const char *session_arn;	/* the caller's role session
								 * (arn:aws:sts::<account>:assumed-role/<role>/<session>),
								 * NULL when the caller is no session */
	const char *federated;		/* a web identity's provider ARN
								 * (arn:aws:iam::<account>:oidc-provider/<host/path>),
								 * NULL for a principal */
	const char *access_key_id;	/* the key, or a role session's name */
	const char *region;			/* aws:RequestedRegion */
	const char *source_ip;		/* aws:SourceIp, NULL on a Unix socket */
	bool		secure_transport;	/* aws:SecureTransport */
	int64_t		now;			/* Unix time of the request */
	const dsql_policy_context_value *context;	/* the request's own keys:
												 * one entry per value */
	int			ncontext;
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

/* Working memory of one evaluation (about 90 KiB): the caller provides it. */
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
 * resource-based policy of req->resource_arn in db (a local IAM state at
 * DSQL_IAM_STATE_SCHEMA_VERSION; the caller checks the version).  An
 * explicit Deny in either policy wins (an undecidable one too).  Then:
 *
 *   DSQL_POLICY_CLUSTER (DSQL's rule, as the auth hook has always applied
 *   it): a principal of another account than the cluster's is refused; an
 *   Allow in either policy grants.
 *
 *   DSQL_POLICY_ROLE (IAM's rule for assuming a role): the trust policy must
 *   allow; an identity Allow alone never grants.  Within the role's account,
 *   a trust Allow naming the caller (its user or role ARN, its session ARN)
 *   grants on its own, one naming only the account or "*" also needs an
 *   identity Allow of the action on the role.  Across accounts both are
 *   needed.  A web identity has no identity policies: only a trust Allow
 *   naming its Federated provider grants.
 *
 * Writes a sentence to reason (without final period) for every outcome,
 * naming the deciding policy and statement.  A request that breaks the
 * rules of its kind (no resource, a computed or undefined key in
 * req->context, neither a principal nor a web identity) is an error.
 */
extern dsql_policy_decision dsql_policy_evaluate(sqlite3 *db,
												 const dsql_policy_request *req,
												 dsql_policy_work *work,
												 char *reason, size_t reason_len);

/* ---- what the normaliser (dsl/iam/state.cpp) checks with ---- */

/* Whether op is a condition operator this evaluator knows (with its
 * ForAnyValue:/ForAllValues: prefix and IfExists suffix). */
extern bool dsql_policy_operator_is_known(const char *op);

/* Whether key is computed for a request or taken from the request itself
 * (sts:ExternalId, <provider>:sub, ...): dsqlctl cannot set it. */
extern bool dsql_policy_key_is_computed(const char *key);

/* Whether key is computed or one AWS defines that a local request may lack
 * (settable with dsqlctl iam set-context).  Any other key is unknown. */
extern bool dsql_policy_key_is_known(const char *key);

/*
 * Whether key is known for a request about a resource of this kind: the keys
 * of dsql_policy_key_is_known, and for a role the STS's request keys
 * (sts:ExternalId, ...) and any web identity provider's <host/path>:aud and
 * :sub (present only when the request comes from that provider's identity,
 * absent otherwise, as on AWS).
 */
extern bool dsql_policy_key_is_known_for(const char *key,
										 dsql_policy_resource_kind kind);

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
