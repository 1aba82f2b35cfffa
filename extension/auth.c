/*-------------------------------------------------------------------------
 *
 * auth.c
 *	  IAM token authentication, as at Aurora DSQL's front door: a
 *	  ClientAuthentication_hook that takes over pg_hba.conf "trust" lines,
 *	  asks the client for a cleartext password, and accepts only a valid
 *	  SigV4 DSQL token (DbConnect, or DbConnectAdmin for admin) from a known
 *	  access key whose principal's policies allow the action on the local
 *	  cluster and, for any role but admin, is mapped to the role.
 *
 *	  Modes (GUC dsql_iam.auth_mode, reloadable, pg_tle style):
 *	    off      no tokens, and TCP trust lines are closed (refused): turning
 *	             token authentication off never makes TCP trust for every
 *	             role; Unix-socket trust lines stay trust (the default)
 *	    on       trust lines of TCP connections need a token; Unix-socket
 *	             trust lines stay trust (local tooling, break-glass)
 *	    require  every trust line needs a token, except the break-glass
 *	             path: the bootstrap superuser on the Unix socket
 *	  In modes on and require, a Unix-socket connection whose startup packet
 *	  sets dsql_iam.front_door = on is authenticated like a TCP one: that is
 *	  how dsqlctl's front door (dsl/front/, the TLS endpoint of a local
 *	  cluster) reaches the server, relaying the client's password (the token)
 *	  to this hook.  The front door always sets it; a local client that sets
 *	  it only makes its own login stricter.
 *
 *	  dsql_iam.endpoint lists the host names of the cluster (comma-
 *	  separated, e.g. "<id>.dsql.<region>.on.aws, localhost, 127.0.0.1"): a
 *	  token signed for any of them is accepted, for any other refused.
 *	  Lines with any other method (peer, scram-sha-256, reject, ...) are
 *	  never touched, so pg_hba.conf keeps full control.
 *
 *	  Every refusal is FATAL 28000 with one message for the client, "IAM
 *	  authentication failed for user ...", and the exact reason in the
 *	  server log only (errdetail_log).  The token and the secret are never
 *	  logged; the user name and the reason are escaped (log.c), and a TCP
 *	  client whose user or database name holds a control character is
 *	  refused.
 *
 *	  The local IAM state is an sqlite3 file (dsql_iam.state_file, written
 *	  by dsqlctl iam) opened read-only per attempt with a small busy
 *	  timeout: a missing, unreadable, corrupt or foreign file ends in a
 *	  refusal with a clear log line, never a hang (privilege-bugs.md P11).
 *	  The role <-> ARN mapping is read from the role's security label
 *	  (mapping.c), which is readable here: a transaction is open, no
 *	  database is selected, and pg_shseclabel is a shared catalog.
 *
 *	  No C++ here, and nothing that can throw across longjmp: sigv4.c and
 *	  sqlite3 are plain C.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "catalog/pg_authid_d.h"
#include "common/ip.h"
#include "libpq/auth.h"
#include "libpq/libpq.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "dsql_iam.h"
#include "policy.h"
#include "sigv4.h"

/* sqlite busy timeout: the CLI holds its write lock for milliseconds */
#define DSQL_IAM_STATE_BUSY_MS 200

typedef enum
{
	AUTH_MODE_OFF,
	AUTH_MODE_ON,
	AUTH_MODE_REQUIRE
} auth_mode;

static const struct config_enum_entry auth_mode_options[] = {
	{"off", AUTH_MODE_OFF, false},
	{"on", AUTH_MODE_ON, false},
	{"require", AUTH_MODE_REQUIRE, false},
	{NULL, 0, false}
};

static int	dsql_iam_auth_mode = AUTH_MODE_OFF;
static char *dsql_iam_state_file = NULL;
static char *dsql_iam_endpoint = NULL;
static char *dsql_iam_region = NULL;
static char *dsql_iam_cluster_arn = NULL;
static int	dsql_iam_max_clock_skew = 60;
static bool dsql_iam_front_door = false;

/* the startup parameter the front door sets on every connection it relays */
#define DSQL_IAM_FRONT_DOOR_OPTION DSQL_IAM_PROVIDER ".front_door"

static ClientAuthentication_hook_type prev_client_auth_hook = NULL;

/* Refuses the connection: generic to the client, the reason in the log. */
static void pg_attribute_noreturn()
refuse(Port *port, const char *fmt,...) pg_attribute_printf(2, 3);

static void
refuse(Port *port, const char *fmt,...)
{
	char		reason[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	ereport(FATAL,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("IAM authentication failed for user \"%s\"",
					dsql_iam_log_text(port->user_name)),
			 errdetail_log("dsql_iam: %s.", dsql_iam_log_text(reason))));
	pg_unreachable();
}

/*
 * The password message, NUL-terminated, a password of at most maxlen bytes
 * (the NUL not counted); NULL when the client closed the connection instead
 * of answering (psql does that when it has no password yet, then asks the
 * user and reconnects).
 */
static char *
read_password(Port *port, int maxlen)
{
	StringInfoData buf;
	int			mtype;

	pq_startmsgread();
	mtype = pq_getbyte();
	if (mtype == EOF)
		return NULL;
	if (mtype != 'p')
		refuse(port, "expected a password message, got message type %d", mtype);
	initStringInfo(&buf);
	/* pq_getmessage's limit counts the NUL and the 4-byte length word */
	if (pq_getmessage(&buf, maxlen + 1 + 4) != 0)
		refuse(port, "the password is longer than %d bytes (a password message longer than %d bytes with its NUL) or was cut",
			   maxlen, maxlen + 1);
	if (strlen(buf.data) + 1 != (size_t) buf.len)
		refuse(port, "the password message is malformed");
	return buf.data;
}

typedef struct key_info
{
	char		secret[257];
	char		session_token[DSQL_TOKEN_SESSION_MAX_LEN + 1];
	bool		has_session_token;
	bool		has_expiry;
	int64		expires_at;
	char		arn[DSQL_IAM_ARN_MAX_LEN + 1];
	char		principal_id[129];
} key_info;

static void
copy_column(sqlite3_stmt *s, int col, char *out, size_t outsz, bool *too_long)
{
	const unsigned char *v = sqlite3_column_text(s, col);
	int			n = sqlite3_column_bytes(s, col);

	out[0] = '\0';
	if (v == NULL)
		return;
	if ((size_t) n >= outsz)
	{
		*too_long = true;
		return;
	}
	memcpy(out, v, n);
	out[n] = '\0';
}

/*
 * Open the IAM state file read-only for one check.  Only a regular file is
 * opened, never through a symbolic link: sqlite's open of a FIFO would block
 * until a writer appears, which would hang the login until
 * authentication_timeout (P11: a broken state must refuse quickly).  The file
 * could still be swapped between lstat() and open(), but only by someone who
 * can write the cluster directory, i.e. the server's own OS user.  Returns
 * NULL on success, else the reason (palloc'd); *db is then closed.
 */
static char *
open_state_file(sqlite3 **db)
{
	struct stat st;
	int			rc;

	*db = NULL;
	if (lstat(dsql_iam_state_file, &st) != 0)
		return psprintf("cannot open the IAM state file \"%s\": %m",
						dsql_iam_state_file);
	if (!S_ISREG(st.st_mode))
		return psprintf("the IAM state file \"%s\" is not a regular file",
						dsql_iam_state_file);
	rc = sqlite3_open_v2(dsql_iam_state_file, db,
						 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
						 SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK)
	{
		char	   *reason = psprintf("cannot open the IAM state file \"%s\": %s",
									  dsql_iam_state_file,
									  *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));

		if (*db)
			sqlite3_close(*db);
		*db = NULL;
		return reason;
	}
	sqlite3_busy_timeout(*db, DSQL_IAM_STATE_BUSY_MS);
	return NULL;
}

/*
 * Reads the key and evaluates the principal's identity policies and the
 * cluster's policy together (policy.c, the one evaluator).  Returns NULL
 * when allowed, else a reason (palloc'd).  *key is filled when the key
 * exists.
 */
static char *
check_state(Port *port, const dsql_token *token, const char *action,
			key_info *key, bool *key_found)
{
	sqlite3    *db = NULL;
	sqlite3_stmt *s = NULL;
	char	   *reason = NULL;
	int			rc;
	bool		too_long = false;

	*key_found = false;
	if (dsql_iam_state_file == NULL || dsql_iam_state_file[0] == '\0')
		return pstrdup("dsql_iam.state_file is not set");
	reason = open_state_file(&db);
	if (reason != NULL)
		goto done;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
	{
		reason = psprintf("cannot read the IAM state file \"%s\": %s",
						  dsql_iam_state_file, sqlite3_errmsg(db));
		goto done;
	}
	if (!DSQL_IAM_STATE_SCHEMA_KNOWN(sqlite3_column_int(s, 0)))
	{
		reason = psprintf("the IAM state file \"%s\" has schema version %d, this dsql_iam reads versions %d to %d",
						  dsql_iam_state_file, sqlite3_column_int(s, 0),
						  DSQL_IAM_STATE_SCHEMA_MIN_READ, DSQL_IAM_STATE_SCHEMA_VERSION);
		goto done;
	}
	sqlite3_finalize(s);
	s = NULL;

	rc = sqlite3_prepare_v2(db,
							"SELECT k.secret_access_key, k.session_token, k.expires_at, p.arn, p.id "
							"FROM access_keys k JOIN principals p ON p.id = k.principal_id "
							"WHERE k.access_key_id = ?1",
							-1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, token->access_key_id, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK)
	{
		reason = psprintf("cannot query the IAM state file \"%s\": %s",
						  dsql_iam_state_file, sqlite3_errmsg(db));
		goto done;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
	{
		reason = psprintf("unknown access key id %s", token->access_key_id);
		goto done;
	}
	if (rc != SQLITE_ROW)
	{
		reason = psprintf("cannot query the IAM state file \"%s\": %s",
						  dsql_iam_state_file, sqlite3_errmsg(db));
		goto done;
	}
	copy_column(s, 0, key->secret, sizeof(key->secret), &too_long);
	key->has_session_token = sqlite3_column_type(s, 1) != SQLITE_NULL;
	copy_column(s, 1, key->session_token, sizeof(key->session_token), &too_long);
	key->has_expiry = sqlite3_column_type(s, 2) != SQLITE_NULL;
	key->expires_at = sqlite3_column_int64(s, 2);
	copy_column(s, 3, key->arn, sizeof(key->arn), &too_long);
	copy_column(s, 4, key->principal_id, sizeof(key->principal_id), &too_long);
	if (too_long)
	{
		reason = psprintf("access key %s has an oversized field in the IAM state file",
						  token->access_key_id);
		goto done;
	}
	*key_found = true;
	sqlite3_finalize(s);
	s = NULL;

	/* identity and cluster policies together: explicit Deny anywhere wins */
	{
		dsql_policy_request req;
		dsql_policy_work *work = palloc0(sizeof(dsql_policy_work));
		char		ip[NI_MAXHOST] = "";
		char		why[1024];

		if (port->raddr.addr.ss_family != AF_UNIX &&
			pg_getnameinfo_all(&port->raddr.addr, port->raddr.salen,
							   ip, sizeof(ip), NULL, 0, NI_NUMERICHOST) != 0)
			ip[0] = '\0';
		memset(&req, 0, sizeof(req));
		req.action = action;
		req.resource_kind = DSQL_POLICY_CLUSTER;
		req.resource_arn = dsql_iam_cluster_arn;
		req.principal_id = key->principal_id;
		req.principal_arn = key->arn;
		req.access_key_id = token->access_key_id;
		req.region = dsql_iam_region;
		req.source_ip = ip[0] ? ip : NULL;
#ifdef USE_SSL
		req.secure_transport = port->ssl_in_use;
#else
		req.secure_transport = false;
#endif
		req.now = (int64_t) time(NULL);
		if (dsql_policy_evaluate(db, &req, work, why, sizeof(why)) != DSQL_POLICY_ALLOW)
			reason = pstrdup(why);
		pfree(work);
	}

done:
	if (s)
		sqlite3_finalize(s);
	if (db)
		sqlite3_close(db);
	return reason;
}

/*
 * Whether the local IAM state knows a principal ARN (sys.aws_iam_grant's
 * "IAM role <arn> does not exist").  DSQL_IAM_PRINCIPAL_NO_STATE when
 * dsql_iam.state_file is not set (nothing to check against); on a read error
 * *reason says why.
 */
DsqlIamPrincipalLookup
dsql_iam_principal_lookup(const char *arn, char **reason)
{
	sqlite3    *db = NULL;
	sqlite3_stmt *s = NULL;
	int			rc;
	DsqlIamPrincipalLookup result = DSQL_IAM_PRINCIPAL_ERROR;

	*reason = NULL;
	if (dsql_iam_state_file == NULL || dsql_iam_state_file[0] == '\0')
		return DSQL_IAM_PRINCIPAL_NO_STATE;
	*reason = open_state_file(&db);
	if (*reason != NULL)
		goto done;
	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
		!DSQL_IAM_STATE_SCHEMA_KNOWN(sqlite3_column_int(s, 0)))
	{
		*reason = psprintf("the IAM state file \"%s\" has schema version %d, this dsql_iam reads versions %d to %d",
						   dsql_iam_state_file, sqlite3_column_int(s, 0),
						   DSQL_IAM_STATE_SCHEMA_MIN_READ, DSQL_IAM_STATE_SCHEMA_VERSION);
		goto done;
	}
	if (s)
		sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT 1 FROM principals WHERE arn = ?1", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, arn, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
	{
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			result = DSQL_IAM_PRINCIPAL_KNOWN;
		else if (rc == SQLITE_DONE)
			result = DSQL_IAM_PRINCIPAL_UNKNOWN;
	}
	if (result == DSQL_IAM_PRINCIPAL_ERROR)
		*reason = psprintf("cannot read the IAM state file \"%s\": %s",
						   dsql_iam_state_file,
						   db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
done:
	if (s)
		sqlite3_finalize(s);
	if (db)
		sqlite3_close(db);
	return result;
}

/*
 * The entry of dsql_iam.endpoint (a comma-separated list of host names;
 * blanks around entries ignored) equal to host, ignoring ASCII case, as a
 * palloc'd string; NULL when none is.
 */
static char *
endpoint_for(const char *host)
{
	const char *p = dsql_iam_endpoint;
	size_t		hostlen = strlen(host);

	while (p != NULL && *p != '\0')
	{
		const char *start;
		const char *end;
		const char *next = strchr(p, ',');

		if (next == NULL)
			next = p + strlen(p);
		start = p;
		end = next;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t) (end - start) == hostlen &&
			pg_strncasecmp(start, host, hostlen) == 0)
			return pnstrdup(start, hostlen);
		p = *next == ',' ? next + 1 : next;
	}
	return NULL;
}

/*
 * Whether the startup packet set dsql_iam.front_door to a true value: the
 * connection was relayed by the front door (see the file comment).  Read
 * from the raw startup options because GUCs from the startup packet are
 * applied only after authentication.
 */
static bool
via_front_door(Port *port)
{
	int			n = list_length(port->guc_options);

	for (int i = 0; i + 1 < n; i += 2)
	{
		const char *name = list_nth(port->guc_options, i);
		const char *value = list_nth(port->guc_options, i + 1);
		bool		on = false;

		if (pg_strcasecmp(name, DSQL_IAM_FRONT_DOOR_OPTION) == 0 &&
			parse_bool(value, &on) && on)
			return true;
	}
	return false;
}

static void
check_token(Port *port)
{
	char	   *password;
	dsql_token *token;
	dsql_token_status st;
	dsql_token_expect expect;
	key_info   *key;
	bool		key_found;
	bool		is_admin = strcmp(port->user_name, DSQL_IAM_ADMIN_ROLE) == 0;
	const char *action = is_admin ? "dsql:DbConnectAdmin" : "dsql:DbConnect";
	char	   *reason;
	char	   *endpoint;

	/* misconfiguration refuses before asking anything */
	if (dsql_iam_endpoint == NULL || dsql_iam_endpoint[0] == '\0')
		refuse(port, "dsql_iam.endpoint is not set");
	if (dsql_iam_cluster_arn == NULL || dsql_iam_cluster_arn[0] == '\0')
		refuse(port, "dsql_iam.cluster_arn is not set");

	sendAuthRequest(port, AUTH_REQ_PASSWORD, NULL, 0);
	password = read_password(port, DSQL_TOKEN_MAX_LEN);
	if (password == NULL)
		proc_exit(0);			/* the client hung up, as core does */

	token = palloc(sizeof(dsql_token));
	st = dsql_token_parse(password, strlen(password), token);
	/* the token is a bearer credential: wipe our copy of it */
	explicit_bzero(password, strlen(password));
	if (st != DSQL_TOKEN_OK)
		refuse(port, "%s", dsql_token_status_text(st));

	endpoint = endpoint_for(token->host);
	if (endpoint == NULL)
		refuse(port, "the token was signed for host \"%s\", which is not one of this cluster's names (dsql_iam.endpoint: %s) (access key %s)",
			   token->host, dsql_iam_endpoint, token->access_key_id);
	expect.host = endpoint;
	expect.region = dsql_iam_region;
	expect.admin = is_admin;
	expect.now = (int64_t) time(NULL);
	expect.max_skew = dsql_iam_max_clock_skew;
	st = dsql_token_check(token, &expect);
	if (st != DSQL_TOKEN_OK)
		refuse(port, "%s (access key %s)", dsql_token_status_text(st),
			   token->access_key_id);

	key = palloc0(sizeof(key_info));
	reason = check_state(port, token, action, key, &key_found);
	/* verify the signature first when the key exists: no policy talk to forgers */
	if (key_found)
	{
		st = dsql_token_verify_signature(token, key->secret);
		explicit_bzero(key->secret, sizeof(key->secret));
		if (st != DSQL_TOKEN_OK)
			refuse(port, "%s (access key %s)", dsql_token_status_text(st),
				   token->access_key_id);
		if (key->has_expiry && expect.now >= key->expires_at)
			refuse(port, "access key %s has expired", token->access_key_id);
		if (key->has_session_token != (token->session_token != NULL) ||
			(key->has_session_token &&
			 (strlen(key->session_token) != strlen(token->session_token) ||
			  CRYPTO_memcmp(key->session_token, token->session_token,
							strlen(key->session_token)) != 0)))
			refuse(port, "the session token does not belong to access key %s",
				   token->access_key_id);
	}
	if (reason != NULL)
		refuse(port, "%s", reason);

	if (!is_admin)
	{
		Oid			roleid = get_role_oid(port->user_name, true);

		if (!OidIsValid(roleid))
			refuse(port, "role \"%s\" does not exist", port->user_name);
		if (!dsql_iam_mapping_exists(roleid, key->arn, LOG))
			refuse(port, "role \"%s\" is not mapped to IAM principal %s",
				   port->user_name, key->arn);
	}
	ereport(DEBUG1,
			(errmsg_internal("dsql_iam: user \"%s\" authenticated as IAM principal %s with access key %s",
							 dsql_iam_log_text(port->user_name),
							 dsql_iam_log_text(key->arn),
							 dsql_iam_log_text(token->access_key_id))));
	dsql_iam_session_set_principal(key->arn);	/* sys.iam_session_user() */
	pfree(key);
	pfree(token);
}

static void
dsql_iam_client_auth(Port *port, int status)
{
	bool		unix_socket;
	bool		remote;

	if (prev_client_auth_hook)
		prev_client_auth_hook(port, status);
	/* core refuses on its own; we only ever narrow what trust admits */
	if (status != STATUS_OK)
		return;
	if (port->hba == NULL || port->hba->auth_method != uaTrust)
		return;
	unix_socket = port->raddr.addr.ss_family == AF_UNIX;
	/* the front door's connections (dsl/front) reach us on the Unix socket: remote */
	remote = !unix_socket || via_front_door(port);
	/*
	 * Off never opens TCP: with token authentication switched off, a TCP
	 * trust line would admit every role without a password, so it is closed
	 * instead; the Unix socket (the break-glass path) stays trust.
	 */
	if (dsql_iam_auth_mode == AUTH_MODE_OFF)
	{
		if (remote)
			refuse(port, "dsql_iam.auth_mode is off: token authentication is switched off, so TCP trust lines are closed (use the Unix socket, or a password method such as scram-sha-256 in pg_hba.conf)");
		return;
	}
	/* names no DSQL client sends, and ones that would forge log lines */
	if (remote && !dsql_iam_log_text_is_safe(port->user_name))
		refuse(port, "the user name holds control characters or invalid UTF-8");
	if (remote && !dsql_iam_log_text_is_safe(port->database_name))
		refuse(port, "the database name \"%s\" holds control characters or invalid UTF-8",
			   port->database_name);
	if (!remote)
	{
		Oid			roleid;

		if (dsql_iam_auth_mode != AUTH_MODE_REQUIRE)
			return;
		/* break-glass: the bootstrap superuser on the Unix socket */
		roleid = get_role_oid(port->user_name, true);
		if (roleid == BOOTSTRAP_SUPERUSERID)
			return;
	}
	check_token(port);
}

void
dsql_iam_auth_init(void)
{
	DefineCustomEnumVariable(DSQL_IAM_PROVIDER ".auth_mode",
							 "IAM token authentication for pg_hba.conf trust lines: off, on, require.",
							 "off: no tokens, TCP trust lines are refused; "
							 "on: trust lines of TCP connections need a DSQL token; "
							 "require: every trust line does, except the bootstrap superuser "
							 "on the Unix socket.",
							 &dsql_iam_auth_mode,
							 AUTH_MODE_OFF,
							 auth_mode_options,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);
	DefineCustomStringVariable(DSQL_IAM_PROVIDER ".state_file",
							   "The local IAM state (sqlite3) written by dsqlctl iam.",
							   NULL,
							   &dsql_iam_state_file,
							   "",
							   PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);
	DefineCustomStringVariable(DSQL_IAM_PROVIDER ".endpoint",
							   "The host names tokens may be signed for (comma-separated, compared case-insensitively).",
							   "The cluster's names: e.g. <id>.dsql.<region>.on.aws, localhost, 127.0.0.1.",
							   &dsql_iam_endpoint,
							   "",
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable(DSQL_IAM_PROVIDER ".region",
							   "The AWS region tokens must be signed for.",
							   NULL,
							   &dsql_iam_region,
							   "us-east-1",
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable(DSQL_IAM_PROVIDER ".cluster_arn",
							   "The local cluster's ARN, matched against IAM policy Resource patterns.",
							   NULL,
							   &dsql_iam_cluster_arn,
							   "",
							   PGC_SIGHUP,
							   0,
							   NULL, NULL, NULL);
	DefineCustomBoolVariable(DSQL_IAM_FRONT_DOOR_OPTION,
							 "Set by the front door on the connections it relays (startup packet only).",
							 "A Unix-socket connection that sets it is authenticated like a TCP one: "
							 "in auth_mode on and require it needs an IAM token.",
							 &dsql_iam_front_door,
							 false,
							 PGC_BACKEND,
							 GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							 NULL, NULL, NULL);
	DefineCustomIntVariable(DSQL_IAM_PROVIDER ".max_clock_skew",
							"Seconds a token may be dated in the future.",
							NULL,
							&dsql_iam_max_clock_skew,
							60, 0, 900,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	/*
	 * Initialise sqlite once in the postmaster so that every backend inherits
	 * it (no connection is opened here: those never cross a fork).
	 */
	(void) sqlite3_initialize();

	prev_client_auth_hook = ClientAuthentication_hook;
	ClientAuthentication_hook = dsql_iam_client_auth;
}
