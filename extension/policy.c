/*-------------------------------------------------------------------------
 *
 * policy.c
 *	  IAM policy evaluation: DSQL connections (a cluster and its cluster
 *	  policy) and STS's AssumeRole* (a role and its trust policy); see
 *	  policy.h for the semantics and the request context.  Plain C, shared
 *	  by the dsql_iam extension, dsqlctl and the local STS; it allocates
 *	  nothing and reads the normalised statements of the local IAM state
 *	  (schema in dsl/iam/state.cpp):
 *
 *	    statements(id, principal_id + policy_name | resource_arn, position,
 *	               sid, effect, not_action, not_resource, not_principal,
 *	               variables, unsupported)
 *	    statement_values(statement_id, kind: action|resource|principal,
 *	                     value)       actions lower-cased; principals typed
 *	                                  "*", "AWS:<arn|account>",
 *	                                  "Federated:<provider>", "Service:..."
 *	    statement_conditions(statement_id, operator, key, value)
 *	    context_keys(principal_id | NULL for all, key, value)
 *
 *	  Three-valued logic: a statement applies (true), does not (false), or
 *	  cannot be decided here (unknown: a key or operator this code does not
 *	  know, an unsupported element, a value over the bounds).  false wins
 *	  over unknown in a conjunction; unknown never grants and always denies.
 *
 *-------------------------------------------------------------------------
 */
#include "policy.h"
#include "sigv4.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef enum
{
	T_FALSE = 0,
	T_TRUE = 1,
	T_UNKNOWN = 2
} tri;

static tri
tri_and(tri a, tri b)
{
	if (a == T_FALSE || b == T_FALSE)
		return T_FALSE;
	if (a == T_UNKNOWN || b == T_UNKNOWN)
		return T_UNKNOWN;
	return T_TRUE;
}

static void say(char *out, size_t len, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static void
say(char *out, size_t len, const char *fmt,...)
{
	va_list		ap;

	if (out == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

/* ---- keys ---- */

/* Computed for every request (policy.h). */
static const char *const computed_keys[] = {
	"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType",
	"aws:userid", "aws:username", "aws:SecureTransport", "aws:SourceIp",
	"aws:CurrentTime", "aws:EpochTime", "aws:RequestedRegion",
	"aws:ResourceAccount", "aws:PrincipalIsAWSService", "aws:ViaAWSService",
	NULL
};

/* Defined by AWS, absent from a local request unless set as a context key
 * (a trailing '/' names a family: aws:PrincipalTag/<tag>). */
static const char *const settable_keys[] = {
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalTag/",
	"aws:RequestTag/", "aws:ResourceTag/", "aws:TagKeys",
	"aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp",
	"aws:SourceVpcArn", "aws:TokenIssueTime", "aws:MultiFactorAuthPresent",
	"aws:MultiFactorAuthAge", "aws:ResourceOrgID", "aws:ResourceOrgPaths",
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID",
	"aws:SourceOrgPaths", "aws:CalledVia", "aws:CalledViaFirst",
	"aws:CalledViaLast", "aws:FederatedProvider", "aws:SourceIdentity",
	"aws:PrincipalServiceName", "aws:PrincipalServiceNamesList",
	"aws:UserAgent", "aws:Referer", "aws:Ec2InstanceSourceVpc",
	"aws:Ec2InstanceSourcePrivateIPv4", "aws:SourceOwner",
	NULL
};

static bool
key_in(const char *const *list, const char *key)
{
	int			i;

	for (i = 0; list[i] != NULL; i++)
	{
		size_t		n = strlen(list[i]);

		if (list[i][n - 1] == '/')
		{
			if (strncasecmp(list[i], key, n) == 0 && key[n] != '\0')
				return true;
		}
		else if (strcasecmp(list[i], key) == 0)
			return true;
	}
	return false;
}

/* Taken from an STS request on a role (dsql_policy_request.context); absent
 * unless the request gives them. */
static const char *const sts_request_keys[] = {
	"sts:ExternalId", "sts:RoleSessionName", "sts:SourceIdentity",
	"sts:TransitiveTagKeys",
	NULL
};

/* The claims of a web identity token that are keys: <host/path>:<claim>. */
static const char *const web_identity_claims[] = {"aud", "sub", NULL};

/*
 * Whether key has the shape of a web identity key, <host/path>:aud or :sub
 * (the provider part names a host, so it has a dot, and no colon); *plen
 * receives the length of the provider part.
 */
static bool
web_identity_key(const char *key, size_t *plen)
{
	const char *colon = strrchr(key, ':');
	size_t		n;
	int			i;

	if (colon == NULL || colon == key)
		return false;
	n = (size_t) (colon - key);
	if (memchr(key, '.', n) == NULL || memchr(key, ':', n) != NULL)
		return false;
	for (i = 0; web_identity_claims[i] != NULL; i++)
		if (strcasecmp(colon + 1, web_identity_claims[i]) == 0)
		{
			*plen = n;
			return true;
		}
	return false;
}

/* Whether key is one a request gives itself (dsql_policy_request.context). */
static bool
key_is_request_key(const char *key)
{
	size_t		n;

	return key_in(sts_request_keys, key) || web_identity_key(key, &n);
}

bool
dsql_policy_key_is_computed(const char *key)
{
	return key != NULL && (key_in(computed_keys, key) || key_is_request_key(key));
}

bool
dsql_policy_key_is_known(const char *key)
{
	return key != NULL && (key_in(computed_keys, key) || key_in(settable_keys, key));
}

/* The <host/path> of an OIDC provider's ARN, or NULL. */
static const char *
oidc_provider_path(const char *arn)
{
	const char *p;

	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return NULL;
	p = strstr(arn, ":oidc-provider/");
	return p ? p + strlen(":oidc-provider/") : NULL;
}

bool
dsql_policy_key_is_known_for(const char *key, dsql_policy_resource_kind kind)
{
	size_t		n;

	if (dsql_policy_key_is_known(key))
		return true;
	return key != NULL && kind == DSQL_POLICY_ROLE &&
		(key_in(sts_request_keys, key) || web_identity_key(key, &n));
}

/*
 * Whether req may give key in its own context: on a role, the STS's keys;
 * for a web identity, its own provider's <host/path>:aud and :sub.
 */
static bool
request_may_give(const char *key, const dsql_policy_request *req)
{
	size_t		n;
	const char *provider;

	if (req->resource_kind != DSQL_POLICY_ROLE)
		return false;
	if (key_in(sts_request_keys, key))
		return true;
	provider = oidc_provider_path(req->federated);
	return provider != NULL && web_identity_key(key, &n) &&
		strlen(provider) == n && strncasecmp(provider, key, n) == 0;
}

/* ---- the request context ---- */

static bool
ctx_add(dsql_policy_work *w, const char *key, const char *value)
{
	dsql_policy_entry *e;

	if (w->nentries >= DSQL_POLICY_MAX_CONTEXT ||
		strlen(key) > DSQL_POLICY_KEY_MAX_LEN ||
		strlen(value) > DSQL_POLICY_VALUE_MAX_LEN)
		return false;
	e = &w->entries[w->nentries++];
	strcpy(e->key, key);
	strcpy(e->value, value);
	return true;
}

static int
ctx_count(const dsql_policy_work *w, const char *key)
{
	int			i,
				n = 0;

	for (i = 0; i < w->nentries; i++)
		if (strcasecmp(w->entries[i].key, key) == 0)
			n++;
	return n;
}

/* The n-th value of key (0-based), or NULL. */
static const char *
ctx_value(const dsql_policy_work *w, const char *key, int n)
{
	int			i;

	for (i = 0; i < w->nentries; i++)
		if (strcasecmp(w->entries[i].key, key) == 0 && n-- == 0)
			return w->entries[i].value;
	return NULL;
}

/* Field i (0-based) of a colon-separated ARN into out; false when absent. */
static bool
arn_field(const char *arn, int i, char *out, size_t outlen)
{
	const char *p = arn;
	const char *end;
	size_t		n;

	while (i-- > 0)
	{
		p = strchr(p, ':');
		if (p == NULL)
			return false;
		p++;
	}
	end = i == -1 ? strchr(p, ':') : NULL;
	n = end ? (size_t) (end - p) : strlen(p);
	if (n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* The resource part of an ARN (after the fifth colon), or "". */
static const char *
arn_resource(const char *arn)
{
	const char *p = arn;
	int			i;

	for (i = 0; i < 5; i++)
	{
		p = strchr(p, ':');
		if (p == NULL)
			return "";
		p++;
	}
	return p;
}

static bool
build_context(sqlite3 *db, const dsql_policy_request *req,
			  dsql_policy_work *w, char *reason, size_t reason_len)
{
	char		account[64];
	char		buf[DSQL_POLICY_VALUE_MAX_LEN + 1];
	const char *res = req->principal_arn ? arn_resource(req->principal_arn) : "";
	bool		is_user = strncmp(res, "user/", 5) == 0;
	struct tm	tm;
	time_t		now = (time_t) req->now;
	sqlite3_stmt *s = NULL;
	int			pass;
	int			rc;
	bool		ok = true;
	int			computed_end;
	int			i;

	w->nentries = 0;
	if (req->principal_arn != NULL)
	{
		ok &= ctx_add(w, "aws:PrincipalArn", req->principal_arn);
		if (arn_field(req->principal_arn, 4, account, sizeof(account)))
			ok &= ctx_add(w, "aws:PrincipalAccount", account);
		ok &= ctx_add(w, "aws:PrincipalType", is_user ? "User" : "AssumedRole");
		if (is_user)
		{
			const char *slash = strrchr(res, '/');

			ok &= ctx_add(w, "aws:username", slash ? slash + 1 : res);
			ok &= ctx_add(w, "aws:userid", req->principal_id);
		}
		else
		{
			snprintf(buf, sizeof(buf), "%s:%s", req->principal_id,
					 req->access_key_id ? req->access_key_id : "session");
			ok &= ctx_add(w, "aws:userid", buf);
		}
	}
	ok &= ctx_add(w, "aws:SecureTransport", req->secure_transport ? "true" : "false");
	if (req->source_ip != NULL)
		ok &= ctx_add(w, "aws:SourceIp", req->source_ip);
	if (gmtime_r(&now, &tm) != NULL)
	{
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		ok &= ctx_add(w, "aws:CurrentTime", buf);
	}
	snprintf(buf, sizeof(buf), "%lld", (long long) req->now);
	ok &= ctx_add(w, "aws:EpochTime", buf);
	if (req->region != NULL)
		ok &= ctx_add(w, "aws:RequestedRegion", req->region);
	if (arn_field(req->resource_arn, 4, account, sizeof(account)))
		ok &= ctx_add(w, "aws:ResourceAccount", account);
	ok &= ctx_add(w, "aws:PrincipalIsAWSService", "false");
	ok &= ctx_add(w, "aws:ViaAWSService", "false");
	computed_end = w->nentries;

	/*
	 * Local context keys: the principal's own first; a key it sets hides the
	 * values set for all principals.  Computed keys cannot be overridden.  A
	 * web identity is no principal of the state: none.
	 */
	rc = sqlite3_prepare_v2(db,
							"SELECT key, value, principal_id IS NULL FROM context_keys "
							"WHERE ?1 IS NOT NULL AND (principal_id IS NULL OR principal_id = ?1) "
							"ORDER BY principal_id IS NULL, rowid",
							-1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, req->principal_id, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK)
	{
		say(reason, reason_len, "cannot read the context keys of the IAM state: %s",
			sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return false;
	}
	pass = w->nentries;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
	{
		const char *key = (const char *) sqlite3_column_text(s, 0);
		const char *value = (const char *) sqlite3_column_text(s, 1);
		bool		global = sqlite3_column_int(s, 2) != 0;
		int			j;
		bool		hidden = false;

		if (key == NULL || value == NULL || dsql_policy_key_is_computed(key))
			continue;
		if (global)
			for (j = computed_end; j < pass; j++)
				if (strcasecmp(w->entries[j].key, key) == 0)
					hidden = true;	/* set for this principal */
		if (hidden)
			continue;
		if (!ctx_add(w, key, value))
		{
			say(reason, reason_len,
				"the request context exceeds %d entries or a context key or value is too long",
				DSQL_POLICY_MAX_CONTEXT);
			sqlite3_finalize(s);
			return false;
		}
		if (!global)
			pass = w->nentries;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
	{
		say(reason, reason_len, "cannot read the context keys of the IAM state: %s",
			sqlite3_errmsg(db));
		return false;
	}
	if (!ok)
	{
		say(reason, reason_len, "the request context cannot be built (a value is too long)");
		return false;
	}

	/*
	 * The request's own keys (sts:ExternalId, <provider>:sub, ...): only keys
	 * a request of its kind gives, never one computed above.
	 */
	if (req->ncontext < 0 || (req->ncontext > 0 && req->context == NULL))
	{
		say(reason, reason_len, "the request's context is malformed");
		return false;
	}
	for (i = 0; i < req->ncontext; i++)
	{
		const char *key = req->context[i].key;
		const char *value = req->context[i].value;

		if (key == NULL || value == NULL || !request_may_give(key, req))
		{
			say(reason, reason_len, "the request's context key %.*s is not one this request can give",
				DSQL_POLICY_KEY_MAX_LEN, key ? key : "(null)");
			return false;
		}
		if (!ctx_add(w, key, value))
		{
			say(reason, reason_len,
				"the request context exceeds %d entries or a context key or value is too long",
				DSQL_POLICY_MAX_CONTEXT);
			return false;
		}
	}
	return true;
}

/* ---- policy variables ---- */

typedef enum
{
	VAR_OK,
	VAR_ABSENT,					/* a known key without value, no default */
	VAR_UNKNOWN,				/* an unknown key, no default */
	VAR_MALFORMED,
	VAR_TOO_LONG
} var_result;

static bool
put(dsql_policy_work *w, size_t *o, char c, bool literal)
{
	if (*o >= DSQL_POLICY_TEXT_MAX_LEN)
		return false;
	w->text[*o] = c;
	w->literal[*o] = literal ? 1 : 0;
	(*o)++;
	return true;
}

/*
 * Parses the variable whose text (between "${" and "}") is body[0..n).
 * Sets the key (and its length), and the default (raw, with '' doubled,
 * and its length) when one is given; special is '*', '?', '$' for ${*} ${?} ${$}, else 0.
 */
static bool
parse_variable(const char *body, size_t n, const char **key, size_t *keylen,
			   const char **dflt, size_t *dfltlen, char *special)
{
	size_t		i = 0,
				k0,
				k1;

	*dflt = NULL;
	*dfltlen = 0;
	*special = 0;
	while (i < n && body[i] == ' ')
		i++;
	k0 = i;
	while (i < n && body[i] != ',' && body[i] != ' ')
		i++;
	k1 = i;
	while (i < n && body[i] == ' ')
		i++;
	if (k1 == k0)
		return false;
	*key = body + k0;
	*keylen = k1 - k0;
	if (*keylen == 1 && (body[k0] == '*' || body[k0] == '?' || body[k0] == '$'))
	{
		*special = body[k0];
		return i == n;
	}
	if (i == n)
		return true;
	if (body[i] != ',')
		return false;
	i++;
	while (i < n && body[i] == ' ')
		i++;
	if (i >= n || body[i] != '\'')
		return false;
	i++;
	*dflt = body + i;
	for (;;)
	{
		if (i >= n)
			return false;		/* unterminated quote */
		if (body[i] == '\'')
		{
			if (i + 1 < n && body[i + 1] == '\'')
			{
				i += 2;
				continue;
			}
			break;
		}
		i++;
	}
	*dfltlen = (size_t) (body + i - *dflt);
	i++;
	while (i < n && body[i] == ' ')
		i++;
	return i == n;
}

/*
 * Substitutes the policy variables of src into w->text / w->literal
 * (literal: 1 where a '*' or '?' is not a wildcard).  Without variables
 * (Version before 2012-10-17) src is copied as is.  *unknown_key names the
 * key of a VAR_UNKNOWN.
 */
static var_result
substitute(dsql_policy_work *w, const dsql_policy_request *req, const char *src,
		   bool variables, char *unknown_key, size_t unknown_len)
{
	size_t		o = 0;
	const char *p = src;

	while (*p)
	{
		const char *close;
		const char *key;
		const char *dflt;
		size_t		keylen,
					dfltlen;
		char		special;
		char		keybuf[DSQL_POLICY_KEY_MAX_LEN + 1];

		if (!variables || p[0] != '$' || p[1] != '{')
		{
			if (!put(w, &o, *p, false))
				return VAR_TOO_LONG;
			p++;
			continue;
		}
		close = strchr(p + 2, '}');
		if (close == NULL ||
			!parse_variable(p + 2, (size_t) (close - p - 2), &key, &keylen,
							&dflt, &dfltlen, &special))
			return VAR_MALFORMED;
		p = close + 1;
		if (special)
		{
			if (!put(w, &o, special, true))
				return VAR_TOO_LONG;
			continue;
		}
		if (keylen > DSQL_POLICY_KEY_MAX_LEN)
			return VAR_MALFORMED;
		memcpy(keybuf, key, keylen);
		keybuf[keylen] = '\0';
		/* a multivalued key cannot be a variable: as if absent */
		if (ctx_count(w, keybuf) == 1)
		{
			const char *v = ctx_value(w, keybuf, 0);

			for (; *v; v++)
				if (!put(w, &o, *v, true))
					return VAR_TOO_LONG;
			continue;
		}
		if (dflt == NULL)
		{
			if (!dsql_policy_key_is_known_for(keybuf, req->resource_kind) &&
				ctx_count(w, keybuf) == 0)
			{
				say(unknown_key, unknown_len, "%s", keybuf);
				return VAR_UNKNOWN;
			}
			return VAR_ABSENT;
		}
		{
			size_t		i;

			for (i = 0; i < dfltlen; i++)
			{
				if (dflt[i] == '\'')
					i++;		/* '' is one quote */
				if (!put(w, &o, dflt[i], true))
					return VAR_TOO_LONG;
			}
		}
	}
	w->text[o] = '\0';
	w->literal[o] = 0;
	return VAR_OK;
}

bool
dsql_policy_check_variables(const char *text, bool resource, char *why,
							size_t why_len)
{
	const char *p = text;
	const char *res = resource ? arn_resource(text) : text;

	while ((p = strstr(p, "${")) != NULL)
	{
		const char *close = strchr(p + 2, '}');
		const char *key;
		const char *dflt;
		size_t		keylen,
					dfltlen;
		char		special;

		if (close == NULL ||
			!parse_variable(p + 2, (size_t) (close - p - 2), &key, &keylen,
							&dflt, &dfltlen, &special) ||
			keylen > DSQL_POLICY_KEY_MAX_LEN)
		{
			say(why, why_len,
				"the policy variable at \"%.40s\" is malformed (expected ${key}, ${key, 'default'}, ${*}, ${?} or ${$})",
				p);
			return false;
		}
		if (resource && !special && (*res == '\0' || p < res))
		{
			say(why, why_len,
				"the policy variable at \"%.40s\" is before the resource part of the ARN (variables may only follow its fifth colon)",
				p);
			return false;
		}
		p = close + 1;
	}
	return true;
}

/* ---- matching ---- */

/* IAM wildcard match of pattern (wildcards where lit[i] == 0) on text. */
static bool
glob(const char *pattern, const unsigned char *lit, const char *text, bool icase)
{
	size_t		p = 0,
				t = 0;
	size_t		star = (size_t) -1,
				mark = 0;

#define CH_EQ(a, b) (icase ? tolower((unsigned char) (a)) == tolower((unsigned char) (b)) : (a) == (b))
	while (text[t])
	{
		if (pattern[p] && ((pattern[p] == '?' && !lit[p]) ||
						   ((pattern[p] != '*' || lit[p]) && CH_EQ(pattern[p], text[t]))))
		{
			p++;
			t++;
		}
		else if (pattern[p] == '*' && !lit[p])
		{
			star = p++;
			mark = t;
		}
		else if (star != (size_t) -1)
		{
			p = star + 1;
			t = ++mark;
		}
		else
			return false;
	}
	while (pattern[p] == '*' && !lit[p])
		p++;
	return pattern[p] == '\0';
#undef CH_EQ
}

/* ArnLike / ArnEquals: each of the six colon-separated fields matched
 * separately (the last one takes the rest); a pattern with fewer fields is
 * matched whole. */
static bool
arn_like(const char *pattern, const unsigned char *lit, const char *value)
{
	char		pbuf[DSQL_POLICY_TEXT_MAX_LEN + 1];
	unsigned char lbuf[DSQL_POLICY_TEXT_MAX_LEN + 1];
	char		vbuf[DSQL_POLICY_TEXT_MAX_LEN + 1];
	const char *p = pattern;
	const char *v = value;
	int			field;

	if (strlen(value) > DSQL_POLICY_TEXT_MAX_LEN)
		return false;
	{
		int			colons = 0;
		const char *q;

		for (q = pattern; *q; q++)
			colons += *q == ':';
		if (colons < 5)
			return glob(pattern, lit, value, false);
	}
	for (field = 0; field < 6; field++)
	{
		const char *pe = field < 5 ? strchr(p, ':') : p + strlen(p);
		const char *ve = field < 5 ? strchr(v, ':') : v + strlen(v);
		size_t		pn,
					vn;

		if (pe == NULL || ve == NULL)
			return false;
		pn = (size_t) (pe - p);
		vn = (size_t) (ve - v);
		memcpy(pbuf, p, pn);
		pbuf[pn] = '\0';
		memcpy(lbuf, lit + (p - pattern), pn);
		lbuf[pn] = 0;
		memcpy(vbuf, v, vn);
		vbuf[vn] = '\0';
		if (!glob(pbuf, lbuf, vbuf, false))
			return false;
		p = pe + (field < 5);
		v = ve + (field < 5);
	}
	return true;
}

static bool
parse_number(const char *s, double *out)
{
	char	   *end;

	if (*s == '\0' || isspace((unsigned char) *s))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*out);
}

static bool
digits(const char *s, int n, int *out)
{
	int			i,
				v = 0;

	for (i = 0; i < n; i++)
	{
		if (!isdigit((unsigned char) s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* A date as epoch seconds: Unix time digits, or ISO 8601 (W3C profile). */
static bool
parse_date(const char *s, double *out)
{
	int			y,
				mo,
				d,
				h = 0,
				mi = 0,
				sec = 0;
	const char *p = s;
	int64_t		offset = 0;
	double		frac = 0;

	if (*s != '\0' && strspn(s, "0123456789") == strlen(s))
		return parse_number(s, out);
	if (strlen(s) < 10 || !digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) ||
		p[7] != '-' || !digits(p + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	p += 10;
	if (*p == 'T' || *p == 't')
	{
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) || h > 23 || mi > 59)
			return false;
		p += 6;
		if (*p == ':')
		{
			if (!digits(p + 1, 2, &sec) || sec > 60)
				return false;
			p += 3;
			if (*p == '.')
			{
				double		scale = 0.1;

				p++;
				if (!isdigit((unsigned char) *p))
					return false;
				while (isdigit((unsigned char) *p))
				{
					frac += (*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-')
		{
			int			oh,
						om;

			if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
				return false;
			offset = (int64_t) (oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
			p += 6;
		}
	}
	if (*p != '\0')
		return false;
	*out = (double) (dsql_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset) + frac;
	return true;
}

/* CIDR match: value an address, pattern an address or address/prefix. */
static bool
ip_match(const char *pattern, const char *value)
{
	unsigned char pa[16],
				va[16];
	char		buf[64];
	const char *slash = strchr(pattern, '/');
	size_t		n = slash ? (size_t) (slash - pattern) : strlen(pattern);
	int			family;
	int			bits;
	int			i;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, pattern, n);
	buf[n] = '\0';
	family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, buf, pa) != 1 ||
		inet_pton(strchr(value, ':') ? AF_INET6 : AF_INET, value, va) != 1 ||
		(strchr(value, ':') != NULL) != (family == AF_INET6))
		return false;
	bits = family == AF_INET ? 32 : 128;
	if (slash)
	{
		char	   *end;
		long		b = strtol(slash + 1, &end, 10);

		if (*end != '\0' || slash[1] == '\0' || b < 0 || b > bits)
			return false;
		bits = (int) b;
	}
	for (i = 0; i < bits; i++)
	{
		int			mask = 0x80 >> (i % 8);

		if ((pa[i / 8] & mask) != (va[i / 8] & mask))
			return false;
	}
	return true;
}

/* ---- condition operators ---- */

typedef enum
{
	OP_STRING, OP_STRING_ICASE, OP_STRING_LIKE, OP_ARN,
	OP_NUMERIC, OP_DATE, OP_BOOL, OP_IP, OP_NULL
} op_kind;

typedef enum
{
	CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE
} op_cmp;

typedef struct
{
	const char *name;
	op_kind		kind;
	op_cmp		cmp;
	bool		negated;
} op_def;

static const op_def operators[] = {
	{"StringEquals", OP_STRING, CMP_EQ, false},
	{"StringNotEquals", OP_STRING, CMP_EQ, true},
	{"StringEqualsIgnoreCase", OP_STRING_ICASE, CMP_EQ, false},
	{"StringNotEqualsIgnoreCase", OP_STRING_ICASE, CMP_EQ, true},
	{"StringLike", OP_STRING_LIKE, CMP_EQ, false},
	{"StringNotLike", OP_STRING_LIKE, CMP_EQ, true},
	{"ArnEquals", OP_ARN, CMP_EQ, false},
	{"ArnLike", OP_ARN, CMP_EQ, false},
	{"ArnNotEquals", OP_ARN, CMP_EQ, true},
	{"ArnNotLike", OP_ARN, CMP_EQ, true},
	{"NumericEquals", OP_NUMERIC, CMP_EQ, false},
	{"NumericNotEquals", OP_NUMERIC, CMP_EQ, true},
	{"NumericLessThan", OP_NUMERIC, CMP_LT, false},
	{"NumericLessThanEquals", OP_NUMERIC, CMP_LE, false},
	{"NumericGreaterThan", OP_NUMERIC, CMP_GT, false},
	{"NumericGreaterThanEquals", OP_NUMERIC, CMP_GE, false},
	{"DateEquals", OP_DATE, CMP_EQ, false},
	{"DateNotEquals", OP_DATE, CMP_EQ, true},
	{"DateLessThan", OP_DATE, CMP_LT, false},
	{"DateLessThanEquals", OP_DATE, CMP_LE, false},
	{"DateGreaterThan", OP_DATE, CMP_GT, false},
	{"DateGreaterThanEquals", OP_DATE, CMP_GE, false},
	{"Bool", OP_BOOL, CMP_EQ, false},
	{"IpAddress", OP_IP, CMP_EQ, false},
	{"NotIpAddress", OP_IP, CMP_EQ, true},
	{"Null", OP_NULL, CMP_EQ, false},
	{NULL, OP_STRING, CMP_EQ, false}
};

typedef enum
{
	SET_NONE, SET_ANY, SET_ALL
} set_kind;

typedef struct
{
	const op_def *def;
	set_kind	set;
	bool		if_exists;
} op_parsed;

static bool
parse_operator(const char *op, op_parsed *out)
{
	char		base[64];
	size_t		n;
	int			i;

	out->set = SET_NONE;
	out->if_exists = false;
	if (strncasecmp(op, "ForAnyValue:", 12) == 0)
	{
		out->set = SET_ANY;
		op += 12;
	}
	else if (strncasecmp(op, "ForAllValues:", 13) == 0)
	{
		out->set = SET_ALL;
		op += 13;
	}
	n = strlen(op);
	if (n >= sizeof(base))
		return false;
	memcpy(base, op, n + 1);
	if (n > 8 && strcasecmp(base + n - 8, "IfExists") == 0)
	{
		out->if_exists = true;
		base[n - 8] = '\0';
	}
	for (i = 0; operators[i].name != NULL; i++)
		if (strcasecmp(operators[i].name, base) == 0)
		{
			out->def = &operators[i];
			/* Null takes neither IfExists nor a set prefix */
			return !(out->def->kind == OP_NULL && (out->if_exists || out->set != SET_NONE));
		}
	return false;
}

bool
dsql_policy_operator_is_known(const char *op)
{
	op_parsed	p;

	return op != NULL && parse_operator(op, &p);
}

/* Whether context value c matches the (substituted) policy value in w. */
static bool
value_matches(const op_def *def, dsql_policy_work *w, const char *c)
{
	double		a,
				b;

	switch (def->kind)
	{
		case OP_STRING:
			return strcmp(w->text, c) == 0;
		case OP_STRING_ICASE:
			return strcasecmp(w->text, c) == 0;
		case OP_STRING_LIKE:
			return glob(w->text, w->literal, c, false);
		case OP_ARN:
			return arn_like(w->text, w->literal, c);
		case OP_BOOL:
			return (strcasecmp(w->text, "true") == 0 || strcasecmp(w->text, "false") == 0) &&
				strcasecmp(w->text, c) == 0;
		case OP_IP:
			return ip_match(w->text, c);
		case OP_NUMERIC:
		case OP_DATE:
			if (def->kind == OP_NUMERIC ? !(parse_number(c, &a) && parse_number(w->text, &b))
				: !(parse_date(c, &a) && parse_date(w->text, &b)))
				return false;
			switch (def->cmp)
			{
				case CMP_EQ:
					return a == b;
				case CMP_LT:
					return a < b;
				case CMP_LE:
					return a <= b;
				case CMP_GT:
					return a > b;
				case CMP_GE:
					return a >= b;
			}
			return false;
		case OP_NULL:
			return false;
	}
	return false;
}

/* Whether the operator's values take policy variables (AWS: string, ARN
 * and Boolean operators). */
static bool
takes_variables(op_kind kind)
{
	return kind == OP_STRING || kind == OP_STRING_ICASE || kind == OP_STRING_LIKE ||
		kind == OP_ARN || kind == OP_BOOL;
}

/* ---- statements ---- */

typedef struct
{
	sqlite3_int64 id;
	const char *policy;			/* policy name, or NULL for the resource's */
	int			position;		/* 1-based */
	bool		deny;
	bool		not_action;
	bool		not_resource;
	bool		not_principal;
	bool		variables;
	bool		unsupported;
	char		sid[129];
} stmt_row;

static bool
sql_failed(sqlite3 *db, int rc, char *reason, size_t reason_len)
{
	if (rc == SQLITE_DONE || rc == SQLITE_OK)
		return false;
	say(reason, reason_len, "cannot read the policies of the IAM state: %s", sqlite3_errmsg(db));
	return true;
}

/* How a Principal value covers the request's caller. */
typedef enum
{
	PM_NONE = 0,				/* not at all */
	PM_ACCOUNT,					/* through its account or "*" */
	PM_NAMED					/* by name: its user or role ARN, its role
								 * session's ARN, its web identity provider */
} principal_match;

static principal_match
principal_matches(const char *value, const dsql_policy_request *req)
{
	char		account[64];
	const char *aws;

	if (strcmp(value, "*") == 0)
		return PM_ACCOUNT;
	if (strncmp(value, "Federated:", 10) == 0)
		return req->federated != NULL && strcmp(value + 10, req->federated) == 0 ?
			PM_NAMED : PM_NONE;
	if (strncmp(value, "AWS:", 4) != 0)
		return PM_NONE;			/* Service, CanonicalUser */
	aws = value + 4;
	if (strcmp(aws, "*") == 0)
		return PM_ACCOUNT;
	if (req->principal_arn == NULL ||
		!arn_field(req->principal_arn, 4, account, sizeof(account)))
		return PM_NONE;
	if (strcmp(aws, account) == 0)
		return PM_ACCOUNT;
	if (strncmp(aws, "arn:", 4) == 0 && strcmp(arn_resource(aws), "root") == 0)
	{
		char		acct2[64];

		return arn_field(aws, 4, acct2, sizeof(acct2)) && strcmp(acct2, account) == 0 ?
			PM_ACCOUNT : PM_NONE;
	}
	if (strcmp(aws, req->principal_arn) == 0 ||
		(req->session_arn != NULL && strcmp(aws, req->session_arn) == 0))
		return PM_NAMED;
	return PM_NONE;
}

/*
 * Whether one statement applies to req.  w->unknown receives the unknown
 * thing when the answer is T_UNKNOWN; *level how a resource-based policy's
 * statement names the caller (PM_ACCOUNT for NotPrincipal, PM_NONE for an
 * identity policy's).
 */
static tri
statement_applies(sqlite3 *db, sqlite3_stmt *values_q, sqlite3_stmt *conds_q,
				  const stmt_row *st, const dsql_policy_request *req,
				  dsql_policy_work *w, principal_match *level, bool *failed,
				  char *reason, size_t reason_len)
{
	sqlite3_stmt *s = NULL;
	int			rc;
	tri			result = T_TRUE;
	char		action[64];
	size_t		i;

	*failed = false;
	*level = PM_NONE;
	w->unknown[0] = '\0';
	if (st->unsupported)
	{
		/*
		 * Kept by a migration without its elements (state.cpp's lenient
		 * normaliser): it cannot be matched, so it never grants and always
		 * denies, whatever the request.
		 */
		say(w->unknown, sizeof(w->unknown), "an element that could not be stored as understood");
		return T_UNKNOWN;
	}

	/* Action */
	for (i = 0; req->action[i] && i + 1 < sizeof(action); i++)
		action[i] = (char) tolower((unsigned char) req->action[i]);
	action[i] = '\0';
	s = values_q;
	sqlite3_reset(s);
	rc = sqlite3_bind_int64(s, 1, st->id);
	if (rc != SQLITE_OK)
	{
		*failed = sql_failed(db, rc, reason, reason_len);
		return T_FALSE;
	}
	{
		bool		action_any = false,
					has_resource = false,
					resource_any = false,
					resource_unknown = false,
					has_principal = false;
		principal_match principal_best = PM_NONE;

		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		{
			const char *kind = (const char *) sqlite3_column_text(s, 0);
			const char *value = (const char *) sqlite3_column_text(s, 1);

			if (kind == NULL || value == NULL)
				continue;
			if (strcmp(kind, "action") == 0)
			{
				unsigned char nolit[DSQL_POLICY_TEXT_MAX_LEN + 1];
				size_t		n = strlen(value);

				if (n > DSQL_POLICY_TEXT_MAX_LEN)
					continue;
				memset(nolit, 0, n + 1);
				if (glob(value, nolit, action, true))
					action_any = true;
			}
			else if (strcmp(kind, "resource") == 0)
			{
				char		key[DSQL_POLICY_KEY_MAX_LEN + 1];
				var_result	vr = substitute(w, req, value, st->variables, key, sizeof(key));

				has_resource = true;
				if (vr == VAR_OK)
				{
					if (glob(w->text, w->literal, req->resource_arn, false))
						resource_any = true;
				}
				else if (vr == VAR_UNKNOWN)
				{
					resource_unknown = true;
					say(w->unknown, sizeof(w->unknown), "the unknown key %s in its Resource", key);
				}
				else if (vr != VAR_ABSENT)
				{
					resource_unknown = true;
					say(w->unknown, sizeof(w->unknown), "a malformed or oversized Resource");
				}
				/* VAR_ABSENT: this Resource matches nothing */
			}
			else if (strcmp(kind, "principal") == 0)
			{
				principal_match m = principal_matches(value, req);

				has_principal = true;
				if (m > principal_best)
					principal_best = m;
			}
		}
		sqlite3_reset(s);
		if (sql_failed(db, rc, reason, reason_len))
		{
			*failed = true;
			return T_FALSE;
		}
		if (st->not_action ? action_any : !action_any)
			return T_FALSE;
		if (st->policy == NULL && req->resource_kind == DSQL_POLICY_ROLE &&
			!has_resource && !st->not_resource)
		{
			/* a trust policy has no Resource: it is about its role */
		}
		else if (st->not_resource)
		{
			if (resource_any)
				return T_FALSE;
			if (resource_unknown)
				result = tri_and(result, T_UNKNOWN);
		}
		else if (!resource_any)
		{
			if (!resource_unknown)
				return T_FALSE;
			result = tri_and(result, T_UNKNOWN);
		}
		if (st->policy == NULL || has_principal)
		{
			if (st->not_principal ? principal_best != PM_NONE : principal_best == PM_NONE)
				return T_FALSE;
			*level = st->not_principal ? PM_ACCOUNT : principal_best;
		}
	}

	/* Condition: (operator, key) blocks, rows of one block adjacent */
	s = conds_q;
	sqlite3_reset(s);
	rc = sqlite3_bind_int64(s, 1, st->id);
	if (rc != SQLITE_OK)
	{
		*failed = sql_failed(db, rc, reason, reason_len);
		return T_FALSE;
	}
	{
		char		cur_op[64] = "";
		char		cur_key[DSQL_POLICY_KEY_MAX_LEN + 1] = "";
		bool		have = false;
		op_parsed	op = {0};
		bool		op_ok = false;
		int			nctx = 0;
		bool		known = false;
		bool		matched[DSQL_POLICY_MAX_CONTEXT];
		bool		invalid = false;	/* a variable without value */
		bool		block_unknown = false;
		char		null_value[8] = "";

		for (;;)
		{
			const char *o = NULL,
					   *k = NULL,
					   *v = NULL;
			bool		end;

			rc = sqlite3_step(s);
			end = rc != SQLITE_ROW;
			if (!end)
			{
				o = (const char *) sqlite3_column_text(s, 0);
				k = (const char *) sqlite3_column_text(s, 1);
				v = (const char *) sqlite3_column_text(s, 2);
				if (o == NULL || k == NULL || v == NULL)
					continue;
			}
			/* close the current block */
			if (have && (end || strcmp(o, cur_op) != 0 || strcasecmp(k, cur_key) != 0))
			{
				tri			b;

				if (!op_ok)
				{
					b = T_UNKNOWN;
					say(w->unknown, sizeof(w->unknown), "the condition operator %s, unknown locally", cur_op);
				}
				else if (!known)
				{
					b = T_UNKNOWN;
					say(w->unknown, sizeof(w->unknown), "the condition key %s, unknown locally", cur_key);
				}
				else if (block_unknown)
					b = T_UNKNOWN;
				else if (invalid)
					b = T_FALSE;
				else if (op.def->kind == OP_NULL)
				{
					bool		want_absent = strcasecmp(null_value, "true") == 0;

					if (strcasecmp(null_value, "true") != 0 && strcasecmp(null_value, "false") != 0)
						b = T_FALSE;
					else
						b = (nctx == 0) == want_absent ? T_TRUE : T_FALSE;
				}
				else if (nctx == 0)
				{
					if (op.if_exists || op.set == SET_ALL)
						b = T_TRUE;
					else if (op.set == SET_ANY)
						b = T_FALSE;
					else
						b = op.def->negated ? T_TRUE : T_FALSE;
				}
				else
				{
					int			j;
					bool		some = false,
								all = true,
								some_not = false,
								all_not = true;

					for (j = 0; j < nctx; j++)
					{
						some |= matched[j];
						all &= matched[j];
						some_not |= !matched[j];
						all_not &= !matched[j];
					}
					if (op.set == SET_ALL)
						b = (op.def->negated ? all_not : all) ? T_TRUE : T_FALSE;
					else if (op.set == SET_ANY)
						b = (op.def->negated ? some_not : some) ? T_TRUE : T_FALSE;
					else
						b = (op.def->negated ? !some : some) ? T_TRUE : T_FALSE;
				}
				result = tri_and(result, b);
				have = false;
				if (result == T_FALSE)
					break;
			}
			if (end)
				break;
			/* open a block */
			if (!have)
			{
				int			j;

				have = true;
				snprintf(cur_op, sizeof(cur_op), "%s", o);
				snprintf(cur_key, sizeof(cur_key), "%s", k);
				op_ok = strlen(o) < sizeof(cur_op) && parse_operator(o, &op);
				nctx = ctx_count(w, k);
				if (nctx > DSQL_POLICY_MAX_CONTEXT)
					nctx = DSQL_POLICY_MAX_CONTEXT;
				known = strlen(k) <= DSQL_POLICY_KEY_MAX_LEN &&
					(nctx > 0 || dsql_policy_key_is_known_for(k, req->resource_kind));
				for (j = 0; j < nctx; j++)
					matched[j] = false;
				invalid = false;
				block_unknown = false;
				null_value[0] = '\0';
			}
			if (!op_ok || !known)
				continue;
			if (op.def->kind == OP_NULL)
			{
				snprintf(null_value, sizeof(null_value), "%s", v);
				continue;
			}
			{
				char		key[DSQL_POLICY_KEY_MAX_LEN + 1];
				var_result	vr = substitute(w, req, v, st->variables && takes_variables(op.def->kind),
											key, sizeof(key));
				int			j;

				if (vr == VAR_ABSENT)
					invalid = true;
				else if (vr == VAR_UNKNOWN)
				{
					block_unknown = true;
					say(w->unknown, sizeof(w->unknown), "the unknown key %s in a condition value", key);
				}
				else if (vr != VAR_OK)
				{
					block_unknown = true;
					say(w->unknown, sizeof(w->unknown), "a malformed or oversized condition value");
				}
				else
					for (j = 0; j < nctx; j++)
						if (!matched[j] && value_matches(op.def, w, ctx_value(w, k, j)))
							matched[j] = true;
			}
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && sql_failed(db, rc, reason, reason_len))
		{
			*failed = true;
			return T_FALSE;
		}
	}
	return result;
}

/* "the cluster policy" or "the trust policy": the resource's policy */
static const char *
resource_policy_name(const dsql_policy_request *req)
{
	return req->resource_kind == DSQL_POLICY_ROLE ? "the trust policy" : "the cluster policy";
}

/* "statement 2 (\"Sid\") of policy \"p\"" or "... of the cluster policy" */
static void
describe(const stmt_row *st, const dsql_policy_request *req, char *out, size_t len)
{
	char		sid[160] = "";

	if (st->sid[0])
		snprintf(sid, sizeof(sid), " (\"%s\")", st->sid);
	if (st->policy)
		snprintf(out, len, "statement %d%s of policy \"%s\"", st->position, sid, st->policy);
	else
		snprintf(out, len, "statement %d%s of %s", st->position, sid, resource_policy_name(req));
}

/* Whether req is well formed for its kind; else a sentence in reason. */
static bool
request_is_valid(const dsql_policy_request *req, char *reason, size_t reason_len)
{
	bool		principal = req->principal_id != NULL && req->principal_arn != NULL;

	if (req->action == NULL || req->resource_arn == NULL)
		say(reason, reason_len, "the request names no action or no resource");
	else if (req->resource_kind != DSQL_POLICY_CLUSTER && req->resource_kind != DSQL_POLICY_ROLE)
		say(reason, reason_len, "the request's resource kind is unknown");
	else if ((req->principal_id != NULL) != (req->principal_arn != NULL))
		say(reason, reason_len, "the request names a principal without its id or ARN");
	else if (principal == (req->federated != NULL))
		say(reason, reason_len, "the request must come from a principal or from a web identity (one of them)");
	else if (req->federated != NULL && req->resource_kind != DSQL_POLICY_ROLE)
		say(reason, reason_len, "a web identity can only assume a role");
	else if (req->session_arn != NULL && !principal)
		say(reason, reason_len, "the request names a role session without its role");
	else
		return true;
	return false;
}

dsql_policy_decision
dsql_policy_evaluate(sqlite3 *db, const dsql_policy_request *req,
					 dsql_policy_work *w, char *reason, size_t reason_len)
{
	/* the principal's identity statements first, then the resource's */
	static const char statements_sql[] =
		"SELECT id, policy_name, position, effect, not_action, not_resource, not_principal, "
		"variables, unsupported IS NOT NULL, coalesce(sid, ''), resource_arn IS NOT NULL "
		"FROM statements WHERE principal_id = ?1 OR resource_arn = ?2 "
		"ORDER BY resource_arn IS NOT NULL, policy_name, position";
	static const char values_sql[] =
		"SELECT kind, value FROM statement_values WHERE statement_id = ?1 ORDER BY kind, rowid";
	static const char conds_sql[] =
		"SELECT operator, key, value FROM statement_conditions "
		"WHERE statement_id = ?1 ORDER BY operator, key, rowid";
	char		identity_allow[512] = "";
	char		resource_allow[512] = "";	/* any Allow of the resource's policy */
	char		resource_named[512] = "";	/* one that names the caller */
	char		undecided_allow[1024] = "";
	char		principal_account[64] = "";
	char		resource_account[64] = "";
	char		lower_action[64];
	const char *caller;
	const char *policy_name = resource_policy_name(req);
	sqlite3_stmt *s = NULL,
			   *values_q = NULL,
			   *conds_q = NULL;
	dsql_policy_decision decision = DSQL_POLICY_ERROR;
	int			rc;
	size_t		i;

	say(reason, reason_len, "the policy evaluation did not finish");
	if (!request_is_valid(req, reason, reason_len))
		return DSQL_POLICY_ERROR;
	caller = req->session_arn ? req->session_arn :
		req->principal_arn ? req->principal_arn : req->federated;
	for (i = 0; req->action[i] && i + 1 < sizeof(lower_action); i++)
		lower_action[i] = (char) tolower((unsigned char) req->action[i]);
	lower_action[i] = '\0';
	if (!build_context(db, req, w, reason, reason_len))
		return DSQL_POLICY_ERROR;

	rc = sqlite3_prepare_v2(db, statements_sql, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, values_sql, -1, &values_q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, conds_sql, -1, &conds_q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, req->principal_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 2, req->resource_arn, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK)
	{
		sql_failed(db, rc, reason, reason_len);
		goto done;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
	{
		stmt_row	st;
		const char *effect = (const char *) sqlite3_column_text(s, 3);
		const char *name = (const char *) sqlite3_column_text(s, 1);
		const char *sid = (const char *) sqlite3_column_text(s, 9);
		bool		resource = sqlite3_column_int(s, 10) != 0;
		char		policy[256];
		bool		failed;
		tri			t;
		principal_match level;
		char		where[512];

		memset(&st, 0, sizeof(st));
		st.id = sqlite3_column_int64(s, 0);
		if (!resource)
		{
			snprintf(policy, sizeof(policy), "%s", name ? name : "?");
			st.policy = policy;
		}
		st.position = sqlite3_column_int(s, 2) + 1;
		st.deny = effect == NULL || strcmp(effect, "Allow") != 0;	/* fail closed */
		st.not_action = sqlite3_column_int(s, 4) != 0;
		st.not_resource = sqlite3_column_int(s, 5) != 0;
		st.not_principal = sqlite3_column_int(s, 6) != 0;
		st.variables = sqlite3_column_int(s, 7) != 0;
		st.unsupported = sqlite3_column_int(s, 8) != 0;
		snprintf(st.sid, sizeof(st.sid), "%s", sid ? sid : "");

		t = statement_applies(db, values_q, conds_q, &st, req, w, &level, &failed, reason, reason_len);
		if (failed)
			goto done;
		describe(&st, req, where, sizeof(where));
		if (st.deny && t != T_FALSE)
		{
			if (!resource)
				say(reason, reason_len, "an explicit Deny in the policies of %s covers %s on %s: %s%s%s",
					req->principal_arn, lower_action, req->resource_arn, where,
					t == T_UNKNOWN ? " applies, as it uses " : "",
					t == T_UNKNOWN ? w->unknown : "");
			else
				say(reason, reason_len, "an explicit Deny in %s of %s covers %s for %s: %s%s%s",
					policy_name, req->resource_arn, lower_action, caller, where,
					t == T_UNKNOWN ? " applies, as it uses " : "",
					t == T_UNKNOWN ? w->unknown : "");
			decision = DSQL_POLICY_DENY;
			goto done;
		}
		if (!st.deny && t == T_TRUE)
		{
			snprintf(resource ? resource_allow : identity_allow, sizeof(identity_allow), "%s", where);
			if (resource && level == PM_NAMED)
				snprintf(resource_named, sizeof(resource_named), "%s", where);
		}
		else if (!st.deny && t == T_UNKNOWN && undecided_allow[0] == '\0')
			snprintf(undecided_allow, sizeof(undecided_allow), "%s uses %s: it never grants",
					 where, w->unknown);
	}
	if (rc != SQLITE_DONE)
	{
		sql_failed(db, rc, reason, reason_len);
		goto done;
	}

	decision = DSQL_POLICY_DENY;
	if (req->principal_arn == NULL ||
		!arn_field(req->principal_arn, 4, principal_account, sizeof(principal_account)))
		principal_account[0] = '\0';
	if (!arn_field(req->resource_arn, 4, resource_account, sizeof(resource_account)))
		resource_account[0] = '\0';

	if (req->resource_kind == DSQL_POLICY_CLUSTER)
	{
		/* DSQL's resource-based policies grant only the cluster's own account */
		if (principal_account[0] == '\0' || resource_account[0] == '\0' ||
			strcmp(principal_account, resource_account) != 0)
			say(reason, reason_len,
				"%s is not in the account of %s: Aurora DSQL grants cross-account access through no policy",
				req->principal_arn, req->resource_arn);
		else if (identity_allow[0])
		{
			say(reason, reason_len, "allowed by %s of %s", identity_allow, req->principal_arn);
			decision = DSQL_POLICY_ALLOW;
		}
		else if (resource_allow[0])
		{
			say(reason, reason_len, "allowed by %s of %s", resource_allow, req->resource_arn);
			decision = DSQL_POLICY_ALLOW;
		}
		else if (undecided_allow[0])
			say(reason, reason_len, "no policy of %s allows %s on %s (%s)",
				req->principal_arn, lower_action, req->resource_arn, undecided_allow);
		else
			say(reason, reason_len, "no policy of %s allows %s on %s",
				req->principal_arn, lower_action, req->resource_arn);
		goto done;
	}

	/*
	 * A role: its trust policy must allow.  Within its account, an Allow
	 * naming the caller grants alone; one naming the account or "*" needs
	 * an identity Allow too, as do all across accounts.  A web identity has
	 * no identity policies.
	 */
	if (resource_allow[0] == '\0')
	{
		if (undecided_allow[0])
			say(reason, reason_len, "no statement of the trust policy of %s allows %s for %s (%s)",
				req->resource_arn, lower_action, caller, undecided_allow);
		else
			say(reason, reason_len, "no statement of the trust policy of %s allows %s for %s",
				req->resource_arn, lower_action, caller);
	}
	else if (resource_named[0] && principal_account[0] != '\0' &&
			 strcmp(principal_account, resource_account) == 0)
	{
		say(reason, reason_len, "allowed by %s of %s, which names %s", resource_named,
			req->resource_arn, caller);
		decision = DSQL_POLICY_ALLOW;
	}
	else if (resource_named[0] && req->federated != NULL)
	{
		say(reason, reason_len, "allowed by %s of %s, which names the identity provider %s",
			resource_named, req->resource_arn, req->federated);
		decision = DSQL_POLICY_ALLOW;
	}
	else if (req->federated != NULL)
		say(reason, reason_len,
			"%s of %s does not name the identity provider %s, and a web identity has no policies of its own",
			resource_allow, req->resource_arn, req->federated);
	else if (identity_allow[0])
	{
		say(reason, reason_len, "allowed by %s of %s together with %s of %s", resource_allow,
			req->resource_arn, identity_allow, req->principal_arn);
		decision = DSQL_POLICY_ALLOW;
	}
	else
	{
		bool		same = strcmp(principal_account, resource_account) == 0;

		say(reason, reason_len, "%s of %s allows %s %s, but no policy of %s allows %s on %s%s%s%s",
			resource_allow, req->resource_arn, caller,
			same ? "only through its account or \"*\"" : "from another account",
			req->principal_arn, lower_action, req->resource_arn,
			undecided_allow[0] ? " (" : "", undecided_allow, undecided_allow[0] ? ")" : "");
	}

done:
	sqlite3_finalize(s);
	sqlite3_finalize(values_q);
	sqlite3_finalize(conds_q);
	return decision;
}
