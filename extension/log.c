/*-------------------------------------------------------------------------
 *
 * log.c
 *	  Log safety: nothing a client sends can forge a line of the server log.
 *
 *	  A connecting client chooses its user name and database name freely,
 *	  control characters included, before anyone has authenticated it; core
 *	  PostgreSQL prints both raw ("pg_hba.conf rejects connection for host
 *	  ..., user "...", the "role ... does not exist" refusal, log_line_prefix
 *	  %u and %d), so a user name holding "\n2026-01-01 ... LOG:  ..." would
 *	  write a second, forged log line.  Two defences, one helper:
 *
 *	  dsql_iam_log_text() escapes a string for a log message: control
 *	  characters (C0, DEL, and C1 as UTF-8), U+2028/U+2029, bytes that are
 *	  not valid UTF-8, and the backslash itself become \n \r \t \\ or \xNN,
 *	  so the result is one printable line that maps back to the input
 *	  unambiguously.  Every message of dsql_iam that carries text from
 *	  outside (user and role names, token fields, reasons, ARNs, labels,
 *	  statement arguments) passes it through this helper.
 *
 *	  An emit_log_hook escapes, with the same rules but for the backslash
 *	  (a field may already hold escaped text), every message (message,
 *	  detail, detail_log, hint, context) of a backend whose client-supplied
 *	  user or database name carries such a character, so that core's own
 *	  messages about that connection are safe too.  Such a connection is
 *	  refused on the TCP endpoint anyway (auth.c).  log_line_prefix cannot be
 *	  escaped: the one dsqlctl writes has no %u or %d (dsl/local/cluster.cpp).
 *
 *	  The hook never raises an error (that would recurse into error
 *	  reporting): it allocates with MCXT_ALLOC_NO_OOM and, out of memory,
 *	  overwrites the unsafe bytes in place with '?'.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "utils/elog.h"

#include "dsql_iam.h"

/* Bytes of input escaped; longer text is cut and ends in "...". */
#define DSQL_IAM_LOG_TEXT_MAX 8192

static emit_log_hook_type prev_emit_log_hook = NULL;

/*
 * Length of the safe UTF-8 character at s (1..4), or 0 when the bytes at s
 * must be escaped: a control character, U+2028/U+2029, or not valid UTF-8.
 * avail: bytes left in s.  (The backslash is safe here; dsql_iam_log_text
 * escapes it too, so that its output maps back to the input.)
 */
static int
safe_char_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	int			len;
	int			i;

	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if ((size_t) len > avail)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (len == 2 && c == 0xc2 && s[1] < 0xa0)
		return 0;				/* C1 controls U+0080..U+009F */
	if (len == 3 && c == 0xe0 && s[1] < 0xa0)
		return 0;				/* overlong */
	if (len == 3 && c == 0xed && s[1] >= 0xa0)
		return 0;				/* surrogates */
	if (len == 3 && c == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
		return 0;				/* line and paragraph separators */
	if (len == 4 && c == 0xf0 && s[1] < 0x90)
		return 0;				/* overlong */
	if (len == 4 && c == 0xf4 && s[1] >= 0x90)
		return 0;				/* beyond U+10FFFF */
	return len;
}

/*
 * Whether s holds no control character, U+2028/U+2029 or invalid UTF-8
 * (NULL counts as safe).
 */
bool
dsql_iam_log_text_is_safe(const char *s)
{
	size_t		n;
	size_t		i = 0;

	if (s == NULL)
		return true;
	n = strlen(s);
	while (i < n)
	{
		int			len = safe_char_len((const unsigned char *) s + i, n - i);

		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

/*
 * Writes the escaped form of s[0..n) to out (when not NULL) and returns its
 * length, without the terminating NUL.  backslash: escape '\\' as well.
 */
static size_t
escape(const char *s, size_t n, char *out, bool backslash)
{
	static const char hex[] = "0123456789abcdef";
	size_t		o = 0;
	size_t		i = 0;

	while (i < n)
	{
		const unsigned char *p = (const unsigned char *) s + i;
		int			len = safe_char_len(p, n - i);

		if (len > 0 && !(backslash && *p == '\\'))
		{
			if (out)
				memcpy(out + o, p, len);
			o += len;
			i += len;
			continue;
		}
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == '\\')
		{
			if (out)
			{
				out[o] = '\\';
				out[o + 1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : *p == '\t' ? 't' : '\\';
			}
			o += 2;
		}
		else
		{
			if (out)
			{
				out[o] = '\\';
				out[o + 1] = 'x';
				out[o + 2] = hex[*p >> 4];
				out[o + 3] = hex[*p & 15];
			}
			o += 4;
		}
		i++;
	}
	return o;
}

/*
 * The escaped form of s for a log message: palloc'd in the current memory
 * context, one line, at most 4 * DSQL_IAM_LOG_TEXT_MAX + 3 bytes ("..." when
 * cut).  "(null)" for NULL.  Errors only when out of memory.
 */
char *
dsql_iam_log_text(const char *s)
{
	size_t		n;
	bool		cut;
	size_t		len;
	char	   *out;

	if (s == NULL)
		return pstrdup("(null)");
	n = strnlen(s, DSQL_IAM_LOG_TEXT_MAX + 1);
	cut = n > DSQL_IAM_LOG_TEXT_MAX;
	if (cut)
		n = DSQL_IAM_LOG_TEXT_MAX;
	len = escape(s, n, NULL, true);
	out = palloc(len + (cut ? 3 : 0) + 1);
	escape(s, n, out, true);
	if (cut)
		memcpy(out + len, "...", 3);
	out[len + (cut ? 3 : 0)] = '\0';
	return out;
}

/*
 * One field of an ErrorData, escaped for the emit_log_hook: a new string in
 * the current memory context (the old one is freed), or, out of memory, the
 * same string with every unsafe byte replaced by '?'.  Never errors.
 * Backslashes stay as they are: the field may hold text that
 * dsql_iam_log_text already escaped.
 */
static char *
escape_field(char *s)
{
	size_t		n;
	size_t		len;
	char	   *out;

	if (s == NULL || dsql_iam_log_text_is_safe(s))
		return s;
	n = strnlen(s, DSQL_IAM_LOG_TEXT_MAX);
	len = escape(s, n, NULL, false);
	out = palloc_extended(len + 4, MCXT_ALLOC_NO_OOM);
	if (out == NULL)
	{
		size_t		i = 0;
		size_t		all = strlen(s);

		while (i < all)
		{
			int			l = safe_char_len((unsigned char *) s + i, all - i);

			if (l == 0)
			{
				s[i] = '?';
				l = 1;
			}
			i += l;
		}
		return s;
	}
	escape(s, n, out, false);
	if (s[n] != '\0')
	{
		memcpy(out + len, "...", 3);
		len += 3;
	}
	out[len] = '\0';
	pfree(s);
	return out;
}

static void
dsql_iam_emit_log(ErrorData *edata)
{
	if (edata->output_to_server && MyProcPort != NULL &&
		(!dsql_iam_log_text_is_safe(MyProcPort->user_name) ||
		 !dsql_iam_log_text_is_safe(MyProcPort->database_name)))
	{
		edata->message = escape_field(edata->message);
		edata->detail = escape_field(edata->detail);
		edata->detail_log = escape_field(edata->detail_log);
		edata->hint = escape_field(edata->hint);
		edata->context = escape_field(edata->context);
	}
	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

void
dsql_iam_log_init(void)
{
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = dsql_iam_emit_log;
}
