/*
 * libFuzzer target over the DSQL token parser and verifier (extension/sigv4.c), the
 * code the auth hook runs on bytes a client controls before anything is known about
 * the client. Build and run: tests/fuzz/run.sh [SECONDS] (clang-14,
 * -fsanitize=fuzzer,address,undefined).
 *
 * Per input: parse; when it parses, verify the signature against a fixed secret,
 * run the key-free checks at a fixed time, and assert the invariants the hook relies
 * on (NUL-terminated fields inside the arena, bounded lengths, a known status).
 *
 * The same bytes also go to what the local STS runs on a client's request
 * (dsl/iam/sts_server.cpp): the Authorization header parser, and when it parses,
 * the canonical request and verification over headers made of the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

static dsql_token token;		/* 20 KB: not on the stack */

static void
check_field(const char *p)
{
	if (p == NULL)
		return;
	if (p < token.arena || p >= token.arena + sizeof(token.arena))
		abort();
	if (memchr(p, '\0', (size_t) (token.arena + sizeof(token.arena) - p)) == NULL)
		abort();
}

static void
fuzz_authorization(const uint8_t *data, size_t size)
{
	static char text[16384];
	dsql_sigv4_authorization a;
	dsql_sigv4_header h[3];
	dsql_sigv4_request r;

	if (!dsql_sigv4_parse_authorization((const char *) data, size, &a))
		return;
	if (strlen(a.access_key_id) < DSQL_TOKEN_AKID_MIN_LEN || strlen(a.signature) != 64 ||
		strlen(a.date8) != 8 || strlen(a.signed_headers) > DSQL_SIGV4_SIGNED_HEADERS_MAX_LEN)
		abort();
	/* headers whose values are the input itself (NUL-terminated copy) */
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	h[0] = (dsql_sigv4_header) {"Host", text};
	h[1] = (dsql_sigv4_header) {"X-Amz-Date", "20251129T095320Z"};
	h[2] = (dsql_sigv4_header) {"content-type", text};
	r = (dsql_sigv4_request) {"POST", "/", NULL, 0, h, 3, a.signed_headers, DSQL_SIGV4_EMPTY_SHA256};
	(void) dsql_sigv4_verify_request(&r, &a, "20251129T095320Z", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dsql_token_status st;

	fuzz_authorization(data, size);
	st = dsql_token_parse((const char *) data, size, &token);

	if ((int) st < 0 || st >= DSQL_TOKEN_STATUS_COUNT)
		abort();
	(void) dsql_token_status_text(st);
	if (st != DSQL_TOKEN_OK)
		return 0;

	check_field(token.host);
	check_field(token.access_key_id);
	check_field(token.scope_date);
	check_field(token.region);
	check_field(token.service);
	check_field(token.amz_date);
	check_field(token.session_token);
	check_field(token.signature);
	if (strlen(token.host) > DSQL_TOKEN_HOST_MAX_LEN || strlen(token.signature) != 64 ||
		token.nparams < 6 || token.nparams > 7)
		abort();
	if (token.session_token && strlen(token.session_token) > DSQL_TOKEN_SESSION_MAX_LEN)
		abort();

	st = dsql_token_verify_signature(&token, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	if (st != DSQL_TOKEN_OK && st != DSQL_TOKEN_ERR_SIGNATURE)
		abort();
	{
		dsql_token_expect e = {"abc123.dsql.us-east-1.on.aws", "us-east-1", false, 1764410100, 60};

		st = dsql_token_check(&token, &e);
		if ((int) st < 0 || st >= DSQL_TOKEN_STATUS_COUNT)
			abort();
		e.admin = true;
		(void) dsql_token_check(&token, &e);
	}
	return 0;
}
