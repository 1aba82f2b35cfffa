/*-------------------------------------------------------------------------
 *
 * sigv4.c
 *	  AWS Signature Version 4 for Aurora DSQL connection tokens: signing
 *	  (dsqlctl, the C++ API) and parsing + verification (the auth hook).
 *	  See sigv4.h for the token's shape.  Plain C, no PostgreSQL header, no
 *	  allocation: every buffer is the caller's or a bounded local.
 *
 *	  Parsing is strict on purpose.  A token is compared with nothing a
 *	  client controls until its signature has been recomputed from decoded,
 *	  re-encoded values, so accepting two spellings of one value would be
 *	  harmless for the signature; we still refuse anything botocore and the
 *	  AWS SDKs never produce (raw reserved bytes, unknown or repeated
 *	  parameters), because a narrow grammar is what the fuzzer can cover and
 *	  what the server log can explain.  Lower-case %xx is accepted (RFC 3986
 *	  says the hex digits are case-insensitive).
 *
 *-------------------------------------------------------------------------
 */
#include "sigv4.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"
#define DSQL_SERVICE "dsql"

/* Longest canonical query / request we build (a token re-encoded). */
#define SIGV4_CANONICAL_MAX (3 * DSQL_TOKEN_MAX_LEN + 512)

static const char hexdigits[] = "0123456789abcdef";
static const char HEXDIGITS[] = "0123456789ABCDEF";

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dsql_sigv4_uri_encode(const char *in, size_t len, char *out, size_t outsz)
{
	size_t		o = 0;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) in[i];

		if (is_unreserved(c))
		{
			if (o + 1 >= outsz)
				return -1;
			out[o++] = (char) c;
		}
		else
		{
			if (o + 3 >= outsz)
				return -1;
			out[o++] = '%';
			out[o++] = HEXDIGITS[c >> 4];
			out[o++] = HEXDIGITS[c & 15];
		}
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return (int) o;
}

void
dsql_sigv4_hex(const unsigned char *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
	{
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/*
 * OpenSSL 3 fetches the algorithm by name on every one-shot HMAC() or
 * EVP_Digest() call (about 1 us each here).  Each thread keeps one HMAC and one
 * SHA-256 context, fetched once and re-initialised per use: a third of the
 * cost.  They are never freed (one pair per thread, the process's lifetime).
 */
typedef struct sigv4_ctx
{
	EVP_MAC_CTX *mac;
	EVP_MD	   *md;
	EVP_MD_CTX *digest;
} sigv4_ctx;

static sigv4_ctx *
get_ctx(void)
{
	static _Thread_local sigv4_ctx ctx;

	if (ctx.mac == NULL)
	{
		EVP_MAC    *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM	params[2];
		EVP_MAC_CTX *m;

		if (mac == NULL)
			return NULL;
		m = EVP_MAC_CTX_new(mac);
		EVP_MAC_free(mac);		/* the context keeps its reference */
		if (m == NULL)
			return NULL;
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
													 (char *) "SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_MAC_CTX_set_params(m, params) != 1)
		{
			EVP_MAC_CTX_free(m);
			return NULL;
		}
		ctx.md = EVP_MD_fetch(NULL, "SHA256", NULL);
		ctx.digest = EVP_MD_CTX_new();
		if (ctx.md == NULL || ctx.digest == NULL)
		{
			EVP_MAC_CTX_free(m);
			EVP_MD_free(ctx.md);
			EVP_MD_CTX_free(ctx.digest);
			ctx.md = NULL;
			ctx.digest = NULL;
			return NULL;
		}
		ctx.mac = m;
	}
	return &ctx;
}

bool
dsql_sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	unsigned int mdlen = 0;
	sigv4_ctx  *c = get_ctx();

	if (c == NULL ||
		EVP_DigestInit_ex(c->digest, c->md, NULL) != 1 ||
		EVP_DigestUpdate(c->digest, data, len) != 1 ||
		EVP_DigestFinal_ex(c->digest, md, &mdlen) != 1 ||
		mdlen != SHA256_DIGEST_LENGTH)
		return false;
	dsql_sigv4_hex(md, SHA256_DIGEST_LENGTH, out);
	return true;
}

static bool
hmac256(const unsigned char *key, size_t keylen, const void *data,
		size_t len, unsigned char out[32])
{
	size_t		outlen = 0;
	sigv4_ctx  *c = get_ctx();

	if (c == NULL ||
		EVP_MAC_init(c->mac, key, keylen, NULL) != 1 ||
		EVP_MAC_update(c->mac, data, len) != 1 ||
		EVP_MAC_final(c->mac, out, &outlen, 32) != 1)
		return false;
	return outlen == 32;
}

bool
dsql_sigv4_signing_key(const char *secret, const char *date8,
					   const char *region, const char *service,
					   unsigned char out[32])
{
	unsigned char k0[4 + 256];
	unsigned char k[32];
	size_t		slen = strlen(secret);
	bool		ok;

	if (slen > 256)
		return false;
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, slen);
	ok = hmac256(k0, 4 + slen, date8, strlen(date8), k) &&
		hmac256(k, 32, region, strlen(region), k) &&
		hmac256(k, 32, service, strlen(service), k) &&
		hmac256(k, 32, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR), out);
	OPENSSL_cleanse(k0, sizeof(k0));
	OPENSSL_cleanse(k, sizeof(k));
	return ok;
}

/* Encoded pairs for sorting. */
typedef struct encoded_pair
{
	const char *key;
	const char *value;
} encoded_pair;

static int
pair_cmp(const encoded_pair *a, const encoded_pair *b)
{
	int			c = strcmp(a->key, b->key);

	return c != 0 ? c : strcmp(a->value, b->value);
}

int
dsql_sigv4_canonical_query(const dsql_sigv4_param *params, size_t nparams,
						   char *out, size_t outsz)
{
	char		scratch[SIGV4_CANONICAL_MAX];
	encoded_pair pairs[DSQL_SIGV4_MAX_PARAMS];
	size_t		used = 0;
	size_t		o = 0;

	if (nparams > DSQL_SIGV4_MAX_PARAMS)
		return -1;
	for (size_t i = 0; i < nparams; i++)
	{
		int			n;

		n = dsql_sigv4_uri_encode(params[i].key, strlen(params[i].key),
								  scratch + used, sizeof(scratch) - used);
		if (n < 0)
			return -1;
		pairs[i].key = scratch + used;
		used += (size_t) n + 1;
		n = dsql_sigv4_uri_encode(params[i].value, strlen(params[i].value),
								  scratch + used, sizeof(scratch) - used);
		if (n < 0)
			return -1;
		pairs[i].value = scratch + used;
		used += (size_t) n + 1;
	}
	/* insertion sort: at most DSQL_SIGV4_MAX_PARAMS elements */
	for (size_t i = 1; i < nparams; i++)
	{
		encoded_pair p = pairs[i];
		size_t		j = i;

		while (j > 0 && pair_cmp(&pairs[j - 1], &p) > 0)
		{
			pairs[j] = pairs[j - 1];
			j--;
		}
		pairs[j] = p;
	}
	for (size_t i = 0; i < nparams; i++)
	{
		size_t		kl = strlen(pairs[i].key);
		size_t		vl = strlen(pairs[i].value);

		if (o + (i > 0) + kl + 1 + vl >= outsz)
			return -1;
		if (i > 0)
			out[o++] = '&';
		memcpy(out + o, pairs[i].key, kl);
		o += kl;
		out[o++] = '=';
		memcpy(out + o, pairs[i].value, vl);
		o += vl;
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return (int) o;
}

/* Appends s to out at *o; false when it does not fit (with the NUL). */
static bool
append(char *out, size_t outsz, size_t *o, const char *s)
{
	size_t		n = strlen(s);

	if (*o + n >= outsz)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return true;
}

int
dsql_sigv4_string_to_sign(const char *amz_date, const char *date8,
						  const char *region, const char *service,
						  const char *canonical_request, size_t canonical_len,
						  char *out, size_t outsz)
{
	char		hash[65];
	size_t		o = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (!dsql_sigv4_sha256_hex(canonical_request, canonical_len, hash))
		return -1;
	if (!append(out, outsz, &o, SIGV4_ALGORITHM "\n") ||
		!append(out, outsz, &o, amz_date) ||
		!append(out, outsz, &o, "\n") ||
		!append(out, outsz, &o, date8) ||
		!append(out, outsz, &o, "/") ||
		!append(out, outsz, &o, region) ||
		!append(out, outsz, &o, "/") ||
		!append(out, outsz, &o, service) ||
		!append(out, outsz, &o, "/" SIGV4_TERMINATOR "\n") ||
		!append(out, outsz, &o, hash))
		return -1;
	return (int) o;
}

bool
dsql_sigv4_signature(const unsigned char signing_key[32],
					 const char *string_to_sign, size_t len, char out[65])
{
	unsigned char mac[32];

	if (!hmac256(signing_key, 32, string_to_sign, len, mac))
		return false;
	dsql_sigv4_hex(mac, 32, out);
	return true;
}

/* ---- tokens ---- */

static const char *const status_text[DSQL_TOKEN_STATUS_COUNT] = {
	[DSQL_TOKEN_OK] = "token accepted",
	[DSQL_TOKEN_ERR_EMPTY] = "the password is empty",
	[DSQL_TOKEN_ERR_TOO_LONG] = "the token is longer than 8192 bytes",
	[DSQL_TOKEN_ERR_SYNTAX] = "the token is not <host>/?<query>",
	[DSQL_TOKEN_ERR_HOST] = "the token's host is not a host name",
	[DSQL_TOKEN_ERR_ENCODING] = "the token is not properly URL-encoded",
	[DSQL_TOKEN_ERR_UNKNOWN_PARAM] = "the token has an unknown parameter",
	[DSQL_TOKEN_ERR_DUPLICATE_PARAM] = "the token repeats a parameter",
	[DSQL_TOKEN_ERR_MISSING_PARAM] = "the token lacks a required parameter",
	[DSQL_TOKEN_ERR_ACTION] = "the token's Action is neither DbConnect nor DbConnectAdmin",
	[DSQL_TOKEN_ERR_ALGORITHM] = "the token's X-Amz-Algorithm is not AWS4-HMAC-SHA256",
	[DSQL_TOKEN_ERR_CREDENTIAL] = "the token's X-Amz-Credential is malformed",
	[DSQL_TOKEN_ERR_DATE] = "the token's X-Amz-Date is malformed or disagrees with its credential scope",
	[DSQL_TOKEN_ERR_EXPIRES_SYNTAX] = "the token's X-Amz-Expires is not a number",
	[DSQL_TOKEN_ERR_SIGNED_HEADERS] = "the token's X-Amz-SignedHeaders is not \"host\"",
	[DSQL_TOKEN_ERR_SIGNATURE_SYNTAX] = "the token's X-Amz-Signature is not 64 lower-case hex digits",
	[DSQL_TOKEN_ERR_SESSION_TOKEN] = "the token's X-Amz-Security-Token is empty or too long",
	[DSQL_TOKEN_ERR_SIGNATURE] = "the token's signature does not match",
	[DSQL_TOKEN_ERR_INTERNAL] = "internal error while checking the token",
	[DSQL_TOKEN_ERR_EXPIRES_TOO_LONG] = "the token's X-Amz-Expires is outside 1..604800",
	[DSQL_TOKEN_ERR_EXPIRED] = "the token has expired",
	[DSQL_TOKEN_ERR_FUTURE] = "the token is dated in the future",
	[DSQL_TOKEN_ERR_WRONG_HOST] = "the token was signed for another host",
	[DSQL_TOKEN_ERR_WRONG_REGION] = "the token was signed for another region",
	[DSQL_TOKEN_ERR_WRONG_SERVICE] = "the token was signed for a service other than dsql",
	[DSQL_TOKEN_ERR_WRONG_ACTION] = "the token's action does not fit the user (DbConnectAdmin is for admin only, and admin needs it)",
};

const char *
dsql_token_status_text(dsql_token_status status)
{
	if ((int) status < 0 || status >= DSQL_TOKEN_STATUS_COUNT ||
		status_text[status] == NULL)
		return "unknown token status";
	return status_text[status];
}

enum
{
	P_ACTION,
	P_ALGORITHM,
	P_CREDENTIAL,
	P_DATE,
	P_EXPIRES,
	P_SIGNED_HEADERS,
	P_SECURITY_TOKEN,
	P_SIGNATURE,
	P_COUNT
};

static const char *const param_names[P_COUNT] = {
	"Action", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
	"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token",
	"X-Amz-Signature",
};

/*
 * Decodes in[0..len) into the arena at *used: unreserved bytes as they are,
 * %XX (either case); anything else, a truncated escape or %00 is an
 * encoding error.
 */
static dsql_token_status
decode(const char *in, size_t len, dsql_token *t, size_t *used,
	   const char **result)
{
	char	   *out = t->arena + *used;
	size_t		room = sizeof(t->arena) - *used;
	size_t		o = 0;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) in[i];

		if (o + 1 >= room)
			return DSQL_TOKEN_ERR_TOO_LONG;
		if (c == '%')
		{
			int			hi,
						lo;

			if (len - i < 3)
				return DSQL_TOKEN_ERR_ENCODING;
			hi = hexval((unsigned char) in[i + 1]);
			lo = hexval((unsigned char) in[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return DSQL_TOKEN_ERR_ENCODING;
			out[o++] = (char) (hi * 16 + lo);
			i += 2;
		}
		else if (is_unreserved(c))
			out[o++] = (char) c;
		else
			return DSQL_TOKEN_ERR_ENCODING;
	}
	out[o] = '\0';
	*result = out;
	*used += o + 1;
	return DSQL_TOKEN_OK;
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
num(const char *s, size_t n)
{
	int			v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's). */
int64_t
dsql_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	int64_t		yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
parse_amz_date(const char *s, int64_t *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				mo,
				d,
				h,
				mi,
				se;

	if (strlen(s) != 16 || !all_digits(s, 8) || s[8] != 'T' ||
		!all_digits(s + 9, 6) || s[15] != 'Z')
		return false;
	y = num(s, 4);
	mo = num(s + 4, 2);
	d = num(s + 6, 2);
	h = num(s + 9, 2);
	mi = num(s + 11, 2);
	se = num(s + 13, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
		h > 23 || mi > 59 || se > 59)
		return false;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*out = dsql_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

static bool
charset_ok(const char *s, size_t minlen, size_t maxlen, const char *extra,
		   bool upper, bool lower, bool digits)
{
	size_t		n = strlen(s);

	if (n < minlen || n > maxlen)
		return false;
	for (size_t i = 0; i < n; i++)
	{
		char		c = s[i];

		if ((upper && c >= 'A' && c <= 'Z') ||
			(lower && c >= 'a' && c <= 'z') ||
			(digits && c >= '0' && c <= '9') ||
			(extra && c != '\0' && strchr(extra, c) != NULL))
			continue;
		return false;
	}
	return true;
}

/* Splits the decoded credential into the token's fields (in the arena). */
static dsql_token_status
parse_credential(dsql_token *t, const char *cred, size_t *used)
{
	char	   *copy = t->arena + *used;
	size_t		n = strlen(cred);
	char	   *part[5];
	int			nparts = 0;
	char	   *p;

	if (*used + n + 1 > sizeof(t->arena))
		return DSQL_TOKEN_ERR_TOO_LONG;
	memcpy(copy, cred, n + 1);
	*used += n + 1;
	p = copy;
	part[nparts++] = p;
	for (; *p; p++)
	{
		if (*p == '/')
		{
			if (nparts == 5)
				return DSQL_TOKEN_ERR_CREDENTIAL;
			*p = '\0';
			part[nparts++] = p + 1;
		}
	}
	if (nparts != 5)
		return DSQL_TOKEN_ERR_CREDENTIAL;
	if (!charset_ok(part[0], DSQL_TOKEN_AKID_MIN_LEN, DSQL_TOKEN_AKID_MAX_LEN,
					NULL, true, false, true) ||
		strlen(part[1]) != 8 || !all_digits(part[1], 8) ||
		!charset_ok(part[2], 1, DSQL_TOKEN_REGION_MAX_LEN, "-", false, true, true) ||
		!charset_ok(part[3], 1, DSQL_TOKEN_SERVICE_MAX_LEN, "-", false, true, true) ||
		strcmp(part[4], SIGV4_TERMINATOR) != 0)
		return DSQL_TOKEN_ERR_CREDENTIAL;
	t->access_key_id = part[0];
	t->scope_date = part[1];
	t->region = part[2];
	t->service = part[3];
	return DSQL_TOKEN_OK;
}

dsql_token_status
dsql_token_parse(const char *token, size_t len, dsql_token *t)
{
	const char *values[P_COUNT] = {0};
	const char *q;
	const char *end = token + len;
	size_t		used = 0;
	size_t		hostlen;
	dsql_token_status st;

	memset(t, 0, offsetof(dsql_token, arena));
	if (token == NULL || len == 0)
		return DSQL_TOKEN_ERR_EMPTY;
	if (len > DSQL_TOKEN_MAX_LEN)
		return DSQL_TOKEN_ERR_TOO_LONG;

	/* host, then "/?" */
	q = memchr(token, '/', len);
	if (q == NULL || q + 1 >= end || q[1] != '?')
		return DSQL_TOKEN_ERR_SYNTAX;
	hostlen = (size_t) (q - token);
	if (hostlen == 0 || hostlen > DSQL_TOKEN_HOST_MAX_LEN)
		return DSQL_TOKEN_ERR_HOST;
	for (size_t i = 0; i < hostlen; i++)
	{
		char		c = token[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return DSQL_TOKEN_ERR_HOST;
	}
	memcpy(t->arena, token, hostlen);
	t->arena[hostlen] = '\0';
	t->host = t->arena;
	used = hostlen + 1;

	/* the query: k=v pairs separated by '&' */
	q += 2;
	while (q <= end)
	{
		const char *amp = memchr(q, '&', (size_t) (end - q));
		const char *pend = amp ? amp : end;
		const char *eq = memchr(q, '=', (size_t) (pend - q));
		const char *key;
		int			which = -1;

		if (eq == NULL || eq == q)
			return DSQL_TOKEN_ERR_SYNTAX;
		st = decode(q, (size_t) (eq - q), t, &used, &key);
		if (st != DSQL_TOKEN_OK)
			return st;
		for (int i = 0; i < P_COUNT; i++)
			if (strcmp(key, param_names[i]) == 0)
				which = i;
		if (which < 0)
			return DSQL_TOKEN_ERR_UNKNOWN_PARAM;
		if (values[which] != NULL)
			return DSQL_TOKEN_ERR_DUPLICATE_PARAM;
		st = decode(eq + 1, (size_t) (pend - eq - 1), t, &used, &values[which]);
		if (st != DSQL_TOKEN_OK)
			return st;
		if (which != P_SIGNATURE)
		{
			t->params[t->nparams].key = param_names[which];
			t->params[t->nparams].value = values[which];
			t->nparams++;
		}
		if (amp == NULL)
			break;
		q = amp + 1;
		if (q == end)
			return DSQL_TOKEN_ERR_SYNTAX;	/* trailing '&' */
	}
	for (int i = 0; i < P_COUNT; i++)
		if (values[i] == NULL && i != P_SECURITY_TOKEN)
			return DSQL_TOKEN_ERR_MISSING_PARAM;

	if (strcmp(values[P_ACTION], "DbConnect") == 0)
		t->action = DSQL_TOKEN_DB_CONNECT;
	else if (strcmp(values[P_ACTION], "DbConnectAdmin") == 0)
		t->action = DSQL_TOKEN_DB_CONNECT_ADMIN;
	else
		return DSQL_TOKEN_ERR_ACTION;
	if (strcmp(values[P_ALGORITHM], SIGV4_ALGORITHM) != 0)
		return DSQL_TOKEN_ERR_ALGORITHM;
	st = parse_credential(t, values[P_CREDENTIAL], &used);
	if (st != DSQL_TOKEN_OK)
		return st;
	if (!parse_amz_date(values[P_DATE], &t->signed_at) ||
		strncmp(values[P_DATE], t->scope_date, 8) != 0)
		return DSQL_TOKEN_ERR_DATE;
	t->amz_date = values[P_DATE];
	{
		size_t		n = strlen(values[P_EXPIRES]);

		if (n == 0 || n > 9 || !all_digits(values[P_EXPIRES], n) ||
			(n > 1 && values[P_EXPIRES][0] == '0'))
			return DSQL_TOKEN_ERR_EXPIRES_SYNTAX;
		t->expires = num(values[P_EXPIRES], n);
	}
	if (strcmp(values[P_SIGNED_HEADERS], "host") != 0)
		return DSQL_TOKEN_ERR_SIGNED_HEADERS;
	if (!charset_ok(values[P_SIGNATURE], 64, 64, "abcdef", false, false, true))
		return DSQL_TOKEN_ERR_SIGNATURE_SYNTAX;
	t->signature = values[P_SIGNATURE];
	if (values[P_SECURITY_TOKEN] != NULL)
	{
		size_t		n = strlen(values[P_SECURITY_TOKEN]);

		if (n == 0 || n > DSQL_TOKEN_SESSION_MAX_LEN)
			return DSQL_TOKEN_ERR_SESSION_TOKEN;
		t->session_token = values[P_SECURITY_TOKEN];
	}
	return DSQL_TOKEN_OK;
}

/* Lower-cases an ASCII host into out (DSQL_TOKEN_HOST_MAX_LEN + 1 bytes). */
static void
lower_host(const char *in, char *out)
{
	size_t		i;

	for (i = 0; in[i] && i < DSQL_TOKEN_HOST_MAX_LEN; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char) (in[i] + 32) : in[i];
	out[i] = '\0';
}

/*
 * The signature over host + params (decoded, Signature excluded), as
 * GET / with only host signed and the empty payload's hash.
 */
/*
 * The signer's cache of one derived signing key per thread (the key is valid
 * for one day, region and service).  Only dsql_token_generate uses it: a
 * signing process keeps its credentials anyway, while the verifier (one token
 * per backend) must not keep a secret it no longer needs.
 */
typedef struct signing_key_cache
{
	bool		valid;
	char		secret[257];
	char		date8[9];
	char		region[DSQL_TOKEN_REGION_MAX_LEN + 1];
	char		service[DSQL_TOKEN_SERVICE_MAX_LEN + 1];
	unsigned char key[32];
} signing_key_cache;

static bool
cached_signing_key(const char *secret, const char *date8, const char *region,
				   const char *service, unsigned char out[32])
{
	static _Thread_local signing_key_cache cache;

	if (strlen(secret) >= sizeof(cache.secret) ||
		strlen(region) >= sizeof(cache.region) ||
		strlen(service) >= sizeof(cache.service) || strlen(date8) != 8)
		return dsql_sigv4_signing_key(secret, date8, region, service, out);
	if (!cache.valid || strcmp(cache.secret, secret) != 0 ||
		strcmp(cache.date8, date8) != 0 || strcmp(cache.region, region) != 0 ||
		strcmp(cache.service, service) != 0)
	{
		cache.valid = false;
		if (!dsql_sigv4_signing_key(secret, date8, region, service, cache.key))
			return false;
		strcpy(cache.secret, secret);
		strcpy(cache.date8, date8);
		strcpy(cache.region, region);
		strcpy(cache.service, service);
		cache.valid = true;
	}
	memcpy(out, cache.key, 32);
	return true;
}

static bool
compute_signature(const char *host, const dsql_sigv4_param *params,
				  size_t nparams, const char *amz_date, const char *date8,
				  const char *region, const char *service,
				  const char *secret, bool cache_key, char out[65])
{
	char		request[SIGV4_CANONICAL_MAX];
	char		sts[512];
	char		lhost[DSQL_TOKEN_HOST_MAX_LEN + 1];
	unsigned char key[32];
	size_t		o = 0;
	int			n;
	bool		ok;

	lower_host(host, lhost);
	if (!append(request, sizeof(request), &o, "GET\n/\n"))
		return false;
	n = dsql_sigv4_canonical_query(params, nparams, request + o,
								   sizeof(request) - o);
	if (n < 0)
		return false;
	o += (size_t) n;
	if (!append(request, sizeof(request), &o, "\nhost:") ||
		!append(request, sizeof(request), &o, lhost) ||
		!append(request, sizeof(request), &o, "\n\nhost\n" DSQL_SIGV4_EMPTY_SHA256))
		return false;
	n = dsql_sigv4_string_to_sign(amz_date, date8, region, service,
								  request, o, sts, sizeof(sts));
	if (n < 0)
		return false;
	if (!(cache_key ? cached_signing_key(secret, date8, region, service, key)
		  : dsql_sigv4_signing_key(secret, date8, region, service, key)))
		return false;
	ok = dsql_sigv4_signature(key, sts, (size_t) n, out);
	OPENSSL_cleanse(key, sizeof(key));
	return ok;
}

dsql_token_status
dsql_token_verify_signature(const dsql_token *t, const char *secret)
{
	char		sig[65];

	if (t->signature == NULL || secret == NULL)
		return DSQL_TOKEN_ERR_INTERNAL;
	if (!compute_signature(t->host, t->params, t->nparams, t->amz_date,
						   t->scope_date, t->region, t->service, secret, false,
						   sig))
		return DSQL_TOKEN_ERR_INTERNAL;
	if (CRYPTO_memcmp(sig, t->signature, 64) != 0)
		return DSQL_TOKEN_ERR_SIGNATURE;
	return DSQL_TOKEN_OK;
}

static bool
ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
	{
		char		x = (*a >= 'A' && *a <= 'Z') ? (char) (*a + 32) : *a;
		char		y = (*b >= 'A' && *b <= 'Z') ? (char) (*b + 32) : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

dsql_token_status
dsql_token_check(const dsql_token *t, const dsql_token_expect *e)
{
	if (t->expires < 1 || t->expires > DSQL_TOKEN_MAX_EXPIRES)
		return DSQL_TOKEN_ERR_EXPIRES_TOO_LONG;
	if (t->signed_at > e->now + e->max_skew)
		return DSQL_TOKEN_ERR_FUTURE;
	if (e->now > t->signed_at + t->expires)
		return DSQL_TOKEN_ERR_EXPIRED;
	if (e->host == NULL || !ascii_caseeq(t->host, e->host))
		return DSQL_TOKEN_ERR_WRONG_HOST;
	if (e->region == NULL || strcmp(t->region, e->region) != 0)
		return DSQL_TOKEN_ERR_WRONG_REGION;
	if (strcmp(t->service, DSQL_SERVICE) != 0)
		return DSQL_TOKEN_ERR_WRONG_SERVICE;
	if ((t->action == DSQL_TOKEN_DB_CONNECT_ADMIN) != e->admin)
		return DSQL_TOKEN_ERR_WRONG_ACTION;
	return DSQL_TOKEN_OK;
}

/* amz_date (17 bytes) and date8 (9 bytes) of a Unix time. */
static bool
format_time(int64_t t, char amz[17], char date8[9])
{
	int64_t		days,
				secs;
	int64_t		z,
				era,
				doe,
				yoe,
				y,
				doy,
				mp,
				d,
				m;

	if (t < 0 || t > INT64_C(253402300799))	/* 9999-12-31T23:59:59Z */
		return false;
	days = t / 86400;
	secs = t % 86400;
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	{
		int			v[6] = {(int) y, (int) m, (int) d, (int) (secs / 3600),
		(int) (secs / 60 % 60), (int) (secs % 60)};
		char	   *p = amz;

		p[0] = (char) ('0' + v[0] / 1000);
		p[1] = (char) ('0' + v[0] / 100 % 10);
		p[2] = (char) ('0' + v[0] / 10 % 10);
		p[3] = (char) ('0' + v[0] % 10);
		p += 4;
		for (int i = 1; i < 6; i++)
		{
			if (i == 3)
				*p++ = 'T';
			*p++ = (char) ('0' + v[i] / 10);
			*p++ = (char) ('0' + v[i] % 10);
		}
		*p++ = 'Z';
		*p = '\0';
	}
	memcpy(date8, amz, 8);
	date8[8] = '\0';
	return true;
}

int
dsql_token_generate(const char *host, const char *region,
					dsql_token_action action, int64_t now, int64_t expires,
					const dsql_sigv4_credentials *c, char *out, size_t outsz)
{
	char		lhost[DSQL_TOKEN_HOST_MAX_LEN + 1];
	char		amz[17],
				date8[9];
	char		credential[DSQL_TOKEN_AKID_MAX_LEN + 80];
	char		expires_s[16];
	char		sig[65];
	dsql_sigv4_param params[7];
	size_t		np = 0;
	size_t		o = 0;
	bool		has_session;

	if (host == NULL || region == NULL || c == NULL ||
		c->access_key_id == NULL || c->secret_access_key == NULL ||
		outsz == 0)
		return -1;
	if (strlen(host) == 0 || strlen(host) > DSQL_TOKEN_HOST_MAX_LEN ||
		!charset_ok(host, 1, DSQL_TOKEN_HOST_MAX_LEN, "-.", true, true, true) ||
		!charset_ok(region, 1, DSQL_TOKEN_REGION_MAX_LEN, "-", false, true, true) ||
		!charset_ok(c->access_key_id, DSQL_TOKEN_AKID_MIN_LEN,
					DSQL_TOKEN_AKID_MAX_LEN, NULL, true, false, true) ||
		expires < 1 || expires > DSQL_TOKEN_MAX_EXPIRES)
		return -1;
	has_session = c->session_token != NULL && c->session_token[0] != '\0';
	if (has_session && strlen(c->session_token) > DSQL_TOKEN_SESSION_MAX_LEN)
		return -1;
	if (!format_time(now, amz, date8))
		return -1;
	lower_host(host, lhost);
	/* akid/date/region/dsql/aws4_request */
	{
		size_t		co = 0;

		credential[0] = '\0';
		if (!append(credential, sizeof(credential), &co, c->access_key_id) ||
			!append(credential, sizeof(credential), &co, "/") ||
			!append(credential, sizeof(credential), &co, date8) ||
			!append(credential, sizeof(credential), &co, "/") ||
			!append(credential, sizeof(credential), &co, region) ||
			!append(credential, sizeof(credential), &co, "/" DSQL_SERVICE "/" SIGV4_TERMINATOR))
			return -1;
	}
	{
		int64_t		v = expires;
		char		tmp[16];
		int			n = 0;

		do
		{
			tmp[n++] = (char) ('0' + v % 10);
			v /= 10;
		} while (v > 0);
		for (int i = 0; i < n; i++)
			expires_s[i] = tmp[n - 1 - i];
		expires_s[n] = '\0';
	}
	/* botocore's order: operation params, then auth params as inserted */
	params[np++] = (dsql_sigv4_param) {"Action",
		action == DSQL_TOKEN_DB_CONNECT_ADMIN ? "DbConnectAdmin" : "DbConnect"};
	params[np++] = (dsql_sigv4_param) {"X-Amz-Algorithm", SIGV4_ALGORITHM};
	params[np++] = (dsql_sigv4_param) {"X-Amz-Credential", credential};
	params[np++] = (dsql_sigv4_param) {"X-Amz-Date", amz};
	params[np++] = (dsql_sigv4_param) {"X-Amz-Expires", expires_s};
	params[np++] = (dsql_sigv4_param) {"X-Amz-SignedHeaders", "host"};
	if (has_session)
		params[np++] = (dsql_sigv4_param) {"X-Amz-Security-Token", c->session_token};

	if (!compute_signature(lhost, params, np, amz, date8, region, DSQL_SERVICE,
						   c->secret_access_key, true, sig))
		return -1;

	out[0] = '\0';
	if (!append(out, outsz, &o, host) || !append(out, outsz, &o, "/?"))
		return -1;
	for (size_t i = 0; i < np; i++)
	{
		int			n;

		if ((i > 0 && !append(out, outsz, &o, "&")) ||
			!append(out, outsz, &o, params[i].key) ||
			!append(out, outsz, &o, "="))
			return -1;
		n = dsql_sigv4_uri_encode(params[i].value, strlen(params[i].value),
								  out + o, outsz - o);
		if (n < 0)
			return -1;
		o += (size_t) n;
	}
	if (!append(out, outsz, &o, "&X-Amz-Signature=") ||
		!append(out, outsz, &o, sig))
		return -1;
	if (o > DSQL_TOKEN_MAX_LEN)
		return -1;
	return (int) o;
}

/* ---- header-signed requests ---- */

bool
dsql_sigv4_format_time(int64_t unix_time, char amz_date[17], char date8[9])
{
	return format_time(unix_time, amz_date, date8);
}

bool
dsql_sigv4_parse_time(const char *amz_date, int64_t *unix_time)
{
	return amz_date != NULL && parse_amz_date(amz_date, unix_time);
}

static char
lower_ascii(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
}

/* Whether header name (any case) equals the lower-case name[0..n). */
static bool
header_name_is(const char *header, const char *name, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (header[i] == '\0' || lower_ascii(header[i]) != name[i])
			return false;
	return header[i] == '\0';
}

/*
 * Appends a header value trimmed, with each inner run of spaces and tabs
 * collapsed to one space.  false when it does not fit.
 */
static bool
append_header_value(char *out, size_t outsz, size_t *o, const char *v)
{
	bool		pending_space = false;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v; v++)
	{
		if (*v == ' ' || *v == '\t')
		{
			pending_space = true;
			continue;
		}
		if (*v == '\r' || *v == '\n')
			return false;		/* never inside a header value */
		if (pending_space)
		{
			if (*o + 1 >= outsz)
				return false;
			out[(*o)++] = ' ';
			pending_space = false;
		}
		if (*o + 1 >= outsz)
			return false;
		out[(*o)++] = *v;
	}
	out[*o] = '\0';
	return true;
}

/* signed_headers: lower-case [a-z0-9-] names, sorted, unique, ';'-separated. */
static bool
signed_headers_ok(const char *sh)
{
	const char *prev = NULL;
	size_t		prevlen = 0;
	size_t		count = 0;
	const char *p = sh;

	if (sh == NULL || *sh == '\0' || strlen(sh) > DSQL_SIGV4_SIGNED_HEADERS_MAX_LEN)
		return false;
	while (*p)
	{
		const char *start = p;
		size_t		n;

		while (*p && *p != ';')
		{
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
				return false;
			p++;
		}
		n = (size_t) (p - start);
		if (n == 0 || ++count > DSQL_SIGV4_MAX_HEADERS)
			return false;
		if (prev != NULL)
		{
			size_t		m = prevlen < n ? prevlen : n;
			int			c = strncmp(prev, start, m);

			if (c > 0 || (c == 0 && prevlen >= n))
				return false;	/* not strictly ascending */
		}
		prev = start;
		prevlen = n;
		if (*p == ';')
		{
			p++;
			if (*p == '\0')
				return false;
		}
	}
	return true;
}

int
dsql_sigv4_canonical_request(const dsql_sigv4_request *r, char *out,
							 size_t outsz)
{
	size_t		o = 0;
	int			n;
	const char *p;

	if (r == NULL || r->method == NULL || r->path == NULL ||
		r->payload_sha256 == NULL || outsz == 0 ||
		(r->nquery > 0 && r->query == NULL) ||
		(r->nheaders > 0 && r->headers == NULL) ||
		!signed_headers_ok(r->signed_headers) ||
		!charset_ok(r->payload_sha256, 64, 64, "abcdef", false, false, true))
		return -1;
	out[0] = '\0';
	if (!append(out, outsz, &o, r->method) || !append(out, outsz, &o, "\n") ||
		!append(out, outsz, &o, r->path) || !append(out, outsz, &o, "\n"))
		return -1;
	n = dsql_sigv4_canonical_query(r->query, r->nquery, out + o, outsz - o);
	if (n < 0)
		return -1;
	o += (size_t) n;
	if (!append(out, outsz, &o, "\n"))
		return -1;
	/* each signed header, in signed_headers' order */
	p = r->signed_headers;
	while (*p)
	{
		const char *start = p;
		size_t		len;
		bool		found = false;

		while (*p && *p != ';')
			p++;
		len = (size_t) (p - start);
		if (o + len + 1 >= outsz)
			return -1;
		memcpy(out + o, start, len);
		o += len;
		out[o++] = ':';
		out[o] = '\0';
		for (size_t i = 0; i < r->nheaders; i++)
		{
			if (r->headers[i].name == NULL || r->headers[i].value == NULL ||
				!header_name_is(r->headers[i].name, start, len))
				continue;
			if (found && !append(out, outsz, &o, ","))
				return -1;
			if (!append_header_value(out, outsz, &o, r->headers[i].value))
				return -1;
			found = true;
		}
		if (!found || !append(out, outsz, &o, "\n"))
			return -1;
		if (*p == ';')
			p++;
	}
	if (!append(out, outsz, &o, "\n") ||
		!append(out, outsz, &o, r->signed_headers) ||
		!append(out, outsz, &o, "\n") ||
		!append(out, outsz, &o, r->payload_sha256))
		return -1;
	return (int) o;
}

bool
dsql_sigv4_sign_request(const dsql_sigv4_request *r, const char *amz_date,
						const char *region, const char *service,
						const char *secret, char out[65])
{
	static _Thread_local char request[DSQL_SIGV4_REQUEST_MAX];
	char		sts[512];
	char		date8[9];
	unsigned char key[32];
	int64_t		t;
	int			n;
	bool		ok;

	if (amz_date == NULL || region == NULL || service == NULL ||
		secret == NULL || !parse_amz_date(amz_date, &t) ||
		!charset_ok(region, 1, DSQL_TOKEN_REGION_MAX_LEN, "-", false, true, true) ||
		!charset_ok(service, 1, DSQL_TOKEN_SERVICE_MAX_LEN, "-", false, true, true))
		return false;
	memcpy(date8, amz_date, 8);
	date8[8] = '\0';
	n = dsql_sigv4_canonical_request(r, request, sizeof(request));
	if (n < 0)
		return false;
	n = dsql_sigv4_string_to_sign(amz_date, date8, region, service, request,
								  (size_t) n, sts, sizeof(sts));
	if (n < 0)
		return false;
	if (!dsql_sigv4_signing_key(secret, date8, region, service, key))
		return false;
	ok = dsql_sigv4_signature(key, sts, (size_t) n, out);
	OPENSSL_cleanse(key, sizeof(key));
	return ok;
}

/* Copies [s, s + n) into out (outsz with the NUL); false when too long. */
static bool
copy_bounded(char *out, size_t outsz, const char *s, size_t n)
{
	if (n >= outsz)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool
dsql_sigv4_parse_authorization(const char *header, size_t len,
							   dsql_sigv4_authorization *a)
{
	static const char prefix[] = SIGV4_ALGORITHM " ";
	const char *p = header;
	const char *end = header + len;
	bool		have_cred = false,
				have_sh = false,
				have_sig = false;

	if (header == NULL || a == NULL)
		return false;
	memset(a, 0, sizeof(*a));
	if (len < sizeof(prefix) - 1 || memcmp(header, prefix, sizeof(prefix) - 1) != 0)
		return false;
	p += sizeof(prefix) - 1;
	while (p < end)
	{
		const char *item,
				   *eq,
				   *stop;
		size_t		klen,
					vlen;

		while (p < end && (*p == ' ' || *p == ','))
			p++;
		if (p >= end)
			break;
		item = p;
		while (p < end && *p != ',')
			p++;
		stop = p;
		while (stop > item && stop[-1] == ' ')
			stop--;
		eq = memchr(item, '=', (size_t) (stop - item));
		if (eq == NULL)
			return false;
		klen = (size_t) (eq - item);
		vlen = (size_t) (stop - eq - 1);
		if (klen == 10 && memcmp(item, "Credential", 10) == 0 && !have_cred)
		{
			char		cred[DSQL_TOKEN_AKID_MAX_LEN + 80];
			char	   *part[5];
			int			nparts = 0;

			if (!copy_bounded(cred, sizeof(cred), eq + 1, vlen))
				return false;
			part[nparts++] = cred;
			for (char *c = cred; *c; c++)
				if (*c == '/')
				{
					if (nparts == 5)
						return false;
					*c = '\0';
					part[nparts++] = c + 1;
				}
			if (nparts != 5 ||
				!charset_ok(part[0], DSQL_TOKEN_AKID_MIN_LEN, DSQL_TOKEN_AKID_MAX_LEN,
							NULL, true, false, true) ||
				strlen(part[1]) != 8 || !all_digits(part[1], 8) ||
				!charset_ok(part[2], 1, DSQL_TOKEN_REGION_MAX_LEN, "-", false, true, true) ||
				!charset_ok(part[3], 1, DSQL_TOKEN_SERVICE_MAX_LEN, "-", false, true, true) ||
				strcmp(part[4], SIGV4_TERMINATOR) != 0)
				return false;
			strcpy(a->access_key_id, part[0]);
			strcpy(a->date8, part[1]);
			strcpy(a->region, part[2]);
			strcpy(a->service, part[3]);
			have_cred = true;
		}
		else if (klen == 13 && memcmp(item, "SignedHeaders", 13) == 0 && !have_sh)
		{
			if (!copy_bounded(a->signed_headers, sizeof(a->signed_headers), eq + 1, vlen) ||
				!signed_headers_ok(a->signed_headers))
				return false;
			have_sh = true;
		}
		else if (klen == 9 && memcmp(item, "Signature", 9) == 0 && !have_sig)
		{
			if (!copy_bounded(a->signature, sizeof(a->signature), eq + 1, vlen) ||
				!charset_ok(a->signature, 64, 64, "abcdef", false, false, true))
				return false;
			have_sig = true;
		}
		else
			return false;		/* unknown or repeated */
	}
	return have_cred && have_sh && have_sig;
}

int
dsql_sigv4_format_authorization(const char *akid, const char *date8,
								const char *region, const char *service,
								const char *signed_headers,
								const char signature[65], char *out,
								size_t outsz)
{
	size_t		o = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (!append(out, outsz, &o, SIGV4_ALGORITHM " Credential=") ||
		!append(out, outsz, &o, akid) || !append(out, outsz, &o, "/") ||
		!append(out, outsz, &o, date8) || !append(out, outsz, &o, "/") ||
		!append(out, outsz, &o, region) || !append(out, outsz, &o, "/") ||
		!append(out, outsz, &o, service) ||
		!append(out, outsz, &o, "/" SIGV4_TERMINATOR ", SignedHeaders=") ||
		!append(out, outsz, &o, signed_headers) ||
		!append(out, outsz, &o, ", Signature=") ||
		!append(out, outsz, &o, signature))
		return -1;
	return (int) o;
}

bool
dsql_sigv4_verify_request(const dsql_sigv4_request *r,
						  const dsql_sigv4_authorization *a,
						  const char *amz_date, const char *secret)
{
	char		sig[65];

	if (r == NULL || a == NULL || amz_date == NULL || secret == NULL ||
		strlen(amz_date) != 16 || strncmp(amz_date, a->date8, 8) != 0 ||
		r->signed_headers == NULL ||
		strcmp(r->signed_headers, a->signed_headers) != 0)
		return false;
	if (!dsql_sigv4_sign_request(r, amz_date, a->region, a->service, secret, sig))
		return false;
	return CRYPTO_memcmp(sig, a->signature, 64) == 0;
}
