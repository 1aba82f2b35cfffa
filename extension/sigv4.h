/*-------------------------------------------------------------------------
 *
 * sigv4.h
 *	  AWS Signature Version 4 for Aurora DSQL connection tokens, in plain C.
 *
 *	  One implementation, compiled twice: by PGXS into the dsql_iam extension
 *	  (the auth hook verifies tokens with it) and by CMake into the library
 *	  dsql_sigv4 that dsqlctl and the C++ API link (they sign with it).  It
 *	  includes no PostgreSQL header, allocates nothing (caller buffers, fixed
 *	  bounds), never longjmps, and needs only OpenSSL's libcrypto (HMAC,
 *	  SHA-256, CRYPTO_memcmp).
 *
 *	  A DSQL token is a presigned URL without its scheme:
 *
 *	    <host>/?Action=DbConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256
 *	      &X-Amz-Credential=<akid>%2F<yyyymmdd>%2F<region>%2Fdsql%2Faws4_request
 *	      &X-Amz-Date=<yyyymmddThhmmssZ>&X-Amz-Expires=<s>&X-Amz-SignedHeaders=host
 *	      [&X-Amz-Security-Token=<token>]&X-Amz-Signature=<64 hex>
 *
 *	  signed as GET https://<host>/ with only "host" signed and the payload
 *	  hash of the empty body, exactly what botocore's SigV4QueryAuth does
 *	  (and the AWS SDKs' DSQL token generators).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DSQL_SIGV4_H
#define DSQL_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

/* Longest token accepted or produced (bytes, without the NUL). */
#define DSQL_TOKEN_MAX_LEN			8192
/* Longest decoded X-Amz-Security-Token. */
#define DSQL_TOKEN_SESSION_MAX_LEN	4096
#define DSQL_TOKEN_HOST_MAX_LEN		253
#define DSQL_TOKEN_REGION_MAX_LEN	32
#define DSQL_TOKEN_SERVICE_MAX_LEN	32
#define DSQL_TOKEN_AKID_MIN_LEN		16
#define DSQL_TOKEN_AKID_MAX_LEN		128
/* Upper bound of X-Amz-Expires (seven days), as on AWS. */
#define DSQL_TOKEN_MAX_EXPIRES		604800

/* SHA-256 of the empty payload, hex. */
#define DSQL_SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ---- SigV4 building blocks (also used by the test vectors) ---- */

/*
 * RFC 3986 percent-encoding as SigV4 wants it: unreserved characters
 * (A-Z a-z 0-9 - _ . ~) kept, every other byte as %XX with upper-case hex.
 * Writes a NUL-terminated string; returns its length, or -1 when outsz is
 * too small.
 */
extern int	dsql_sigv4_uri_encode(const char *in, size_t len, char *out,
								  size_t outsz);

/* Lower-case hex of len bytes into out (2 * len + 1 bytes). */
extern void dsql_sigv4_hex(const unsigned char *in, size_t len, char *out);

/* Hex SHA-256 of a buffer; out has 65 bytes.  Returns false on failure. */
extern bool dsql_sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"); date is yyyymmdd.  Returns false on failure (too long a
 * secret, OpenSSL error).
 */
extern bool dsql_sigv4_signing_key(const char *secret, const char *date8,
								   const char *region, const char *service,
								   unsigned char out[32]);

/* One decoded query parameter. */
typedef struct dsql_sigv4_param
{
	const char *key;
	const char *value;
} dsql_sigv4_param;

#define DSQL_SIGV4_MAX_PARAMS 32

/*
 * The canonical query string: each key and value RFC 3986-encoded, pairs
 * sorted by encoded key then encoded value, joined with '&'.  Returns the
 * length written (NUL-terminated), or -1 (too many parameters, out too
 * small).
 */
extern int	dsql_sigv4_canonical_query(const dsql_sigv4_param *params,
									   size_t nparams, char *out,
									   size_t outsz);

/*
 * The string to sign of a request:
 *   "AWS4-HMAC-SHA256\n" amz_date "\n" date8/region/service/aws4_request "\n"
 *   hex(SHA-256(canonical_request))
 * Returns the length, or -1.
 */
extern int	dsql_sigv4_string_to_sign(const char *amz_date, const char *date8,
									  const char *region, const char *service,
									  const char *canonical_request,
									  size_t canonical_len, char *out,
									  size_t outsz);

/* hex(HMAC-SHA256(signing_key, string_to_sign)) into out (65 bytes). */
extern bool dsql_sigv4_signature(const unsigned char signing_key[32],
								 const char *string_to_sign, size_t len,
								 char out[65]);

/* ---- DSQL tokens ---- */

typedef enum dsql_token_action
{
	DSQL_TOKEN_DB_CONNECT = 0,
	DSQL_TOKEN_DB_CONNECT_ADMIN = 1
} dsql_token_action;

/* Outcome of parse, verify and check; dsql_token_status_text() says it. */
typedef enum dsql_token_status
{
	DSQL_TOKEN_OK = 0,
	DSQL_TOKEN_ERR_EMPTY,
	DSQL_TOKEN_ERR_TOO_LONG,
	DSQL_TOKEN_ERR_SYNTAX,			/* not host/?query */
	DSQL_TOKEN_ERR_HOST,			/* host has bad characters or length */
	DSQL_TOKEN_ERR_ENCODING,		/* a byte that must be %-encoded, bad %XX, %00 */
	DSQL_TOKEN_ERR_UNKNOWN_PARAM,
	DSQL_TOKEN_ERR_DUPLICATE_PARAM,
	DSQL_TOKEN_ERR_MISSING_PARAM,
	DSQL_TOKEN_ERR_ACTION,			/* neither DbConnect nor DbConnectAdmin */
	DSQL_TOKEN_ERR_ALGORITHM,
	DSQL_TOKEN_ERR_CREDENTIAL,		/* akid/date/region/service/aws4_request */
	DSQL_TOKEN_ERR_DATE,			/* X-Amz-Date malformed or disagrees with the scope */
	DSQL_TOKEN_ERR_EXPIRES_SYNTAX,
	DSQL_TOKEN_ERR_SIGNED_HEADERS,	/* anything but "host" */
	DSQL_TOKEN_ERR_SIGNATURE_SYNTAX,	/* not 64 lower-case hex digits */
	DSQL_TOKEN_ERR_SESSION_TOKEN,	/* empty or too long */
	DSQL_TOKEN_ERR_SIGNATURE,		/* signature mismatch */
	DSQL_TOKEN_ERR_INTERNAL,		/* OpenSSL failure, buffer bound */
	DSQL_TOKEN_ERR_EXPIRES_TOO_LONG,	/* X-Amz-Expires > 604800 or 0 */
	DSQL_TOKEN_ERR_EXPIRED,
	DSQL_TOKEN_ERR_FUTURE,			/* X-Amz-Date later than now + skew */
	DSQL_TOKEN_ERR_WRONG_HOST,
	DSQL_TOKEN_ERR_WRONG_REGION,
	DSQL_TOKEN_ERR_WRONG_SERVICE,
	DSQL_TOKEN_ERR_WRONG_ACTION,	/* DbConnectAdmin iff the user is admin */
	DSQL_TOKEN_STATUS_COUNT
} dsql_token_status;

/* A fixed English sentence fragment for the server log; never NULL. */
extern const char *dsql_token_status_text(dsql_token_status status);

/*
 * A parsed token.  Strings point into arena (decoded, NUL-terminated); the
 * struct is self-contained (no pointer into the input) and about 20 KB, so
 * callers keep it off small stacks when they like.
 */
typedef struct dsql_token
{
	const char *host;			/* as written (case kept) */
	dsql_token_action action;
	const char *access_key_id;
	const char *scope_date;		/* yyyymmdd */
	const char *region;
	const char *service;
	const char *amz_date;		/* yyyymmddThhmmssZ */
	int64_t		signed_at;		/* X-Amz-Date as Unix time */
	int64_t		expires;		/* X-Amz-Expires, seconds */
	const char *session_token;	/* NULL when absent */
	const char *signature;		/* 64 lower-case hex */
	/* decoded parameters in token order, for the canonical query */
	dsql_sigv4_param params[8];
	size_t		nparams;
	char		arena[DSQL_TOKEN_MAX_LEN + 64];
} dsql_token;

/*
 * Parses len bytes (need not be NUL-terminated).  Every parameter exactly
 * once (X-Amz-Security-Token optional), nothing unknown, strict percent-
 * encoding, bounded lengths, well-formed values.  No clock, no key.
 */
extern dsql_token_status dsql_token_parse(const char *token, size_t len,
										  dsql_token *out);

/*
 * Recomputes the signature with the secret access key and compares it in
 * constant time (CRYPTO_memcmp).  DSQL_TOKEN_OK or _ERR_SIGNATURE.
 */
extern dsql_token_status dsql_token_verify_signature(const dsql_token *token,
													 const char *secret_access_key);

/* What the server expects of a token. */
typedef struct dsql_token_expect
{
	const char *host;			/* compared case-insensitively */
	const char *region;
	bool		admin;			/* user is admin: DbConnectAdmin required,
								 * otherwise DbConnect */
	int64_t		now;			/* Unix time */
	int64_t		max_skew;		/* seconds a token may be dated in the future */
} dsql_token_expect;

/*
 * The checks that need no key: X-Amz-Expires in 1..604800, not expired
 * (now <= signed_at + expires), not dated after now + max_skew, host,
 * region, service "dsql", the action that fits the user.
 */
extern dsql_token_status dsql_token_check(const dsql_token *token,
										  const dsql_token_expect *expect);

/* Credentials for signing. */
typedef struct dsql_sigv4_credentials
{
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;	/* NULL or "" when none */
} dsql_sigv4_credentials;

/*
 * Builds a token as botocore does (parameter order included): Action first,
 * then the X-Amz-* parameters, X-Amz-Security-Token after
 * X-Amz-SignedHeaders, X-Amz-Signature last.  host is written as given
 * and signed lower-cased (as botocore's URL parsing does); now is the
 * signing time (Unix).  Returns
 * the token length, or -1 (bad argument, out too small, OpenSSL error).
 */
extern int	dsql_token_generate(const char *host, const char *region,
								dsql_token_action action, int64_t now,
								int64_t expires,
								const dsql_sigv4_credentials *credentials,
								char *out, size_t outsz);


/* ---- header-signed requests (STS and the other AWS query APIs) ---- */

/* One HTTP header as received or sent (name in any case). */
typedef struct dsql_sigv4_header
{
	const char *name;
	const char *value;
} dsql_sigv4_header;

#define DSQL_SIGV4_MAX_HEADERS			32
#define DSQL_SIGV4_SIGNED_HEADERS_MAX_LEN	512
/* Longest canonical request we build (headers with a session token, query). */
#define DSQL_SIGV4_REQUEST_MAX			32768

/*
 * A request signed in the Authorization header, as botocore's SigV4Auth and
 * the AWS SDKs sign STS calls: canonical request =
 *   method \n path \n canonical query \n canonical headers \n
 *   signed headers \n hex(SHA-256(payload))
 * where each signed header is "name:value\n" (name lower-cased, value
 * trimmed with inner runs of spaces collapsed, repeated headers joined
 * with ','), in the order of signed_headers.
 */
typedef struct dsql_sigv4_request
{
	const char *method;			/* "POST" */
	const char *path;			/* the canonical URI, already encoded: "/" */
	const dsql_sigv4_param *query;	/* decoded; may be NULL when nquery == 0 */
	size_t		nquery;
	const dsql_sigv4_header *headers;	/* every header of the request */
	size_t		nheaders;
	const char *signed_headers; /* "content-type;host;x-amz-date": lower-case,
								 * sorted, unique, ';'-separated */
	const char *payload_sha256; /* 64 lower-case hex digits */
} dsql_sigv4_request;

/*
 * The canonical request.  Returns its length (NUL-terminated), or -1: a
 * signed header absent from headers, signed_headers not lower-case sorted
 * unique names, more than DSQL_SIGV4_MAX_HEADERS, or out too small.
 */
extern int	dsql_sigv4_canonical_request(const dsql_sigv4_request *request,
										 char *out, size_t outsz);

/*
 * hex(signature) of a request at amz_date (yyyymmddThhmmssZ) for region and
 * service with a secret access key.  false on a malformed request or date.
 */
extern bool dsql_sigv4_sign_request(const dsql_sigv4_request *request,
									const char *amz_date, const char *region,
									const char *service, const char *secret,
									char out[65]);

/* The parts of an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header. */
typedef struct dsql_sigv4_authorization
{
	char		access_key_id[DSQL_TOKEN_AKID_MAX_LEN + 1];
	char		date8[9];
	char		region[DSQL_TOKEN_REGION_MAX_LEN + 1];
	char		service[DSQL_TOKEN_SERVICE_MAX_LEN + 1];
	char		signed_headers[DSQL_SIGV4_SIGNED_HEADERS_MAX_LEN + 1];
	char		signature[65];
} dsql_sigv4_authorization;

/*
 * Parses an Authorization header value (len bytes, need not be
 * NUL-terminated): the algorithm, then Credential, SignedHeaders and
 * Signature each exactly once (separated by ',' and optional spaces), with
 * the token's character rules for the key id, date, region and service.
 * false when malformed.
 */
extern bool dsql_sigv4_parse_authorization(const char *header, size_t len,
										   dsql_sigv4_authorization *out);

/*
 * Writes the Authorization header value for a signature.  Returns its
 * length, or -1 when out is too small.
 */
extern int	dsql_sigv4_format_authorization(const char *access_key_id,
											const char *date8,
											const char *region,
											const char *service,
											const char *signed_headers,
											const char signature[65],
											char *out, size_t outsz);

/*
 * Recomputes the signature of request for auth's scope at amz_date (whose
 * first 8 characters must be auth's date) with secret, and compares it in
 * constant time.  auth->signed_headers must equal request->signed_headers.
 */
extern bool dsql_sigv4_verify_request(const dsql_sigv4_request *request,
									  const dsql_sigv4_authorization *auth,
									  const char *amz_date, const char *secret);

/* yyyymmddThhmmssZ (17 bytes) and yyyymmdd (9 bytes) of a Unix time; false outside 1970..9999. */
extern bool dsql_sigv4_format_time(int64_t unix_time, char amz_date[17],
								   char date8[9]);

/* The Unix time of a yyyymmddThhmmssZ date; false when malformed. */
extern bool dsql_sigv4_parse_time(const char *amz_date, int64_t *unix_time);

/* Days since 1970-01-01 of a proleptic Gregorian date (y, month 1..12, day 1..31):
 * the calendar arithmetic of both date parsers (this file's and policy.c's). */
extern int64_t dsql_days_from_civil(int64_t y, int m, int d);

#ifdef __cplusplus
}
#endif

#endif							/* DSQL_SIGV4_H */
