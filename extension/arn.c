/*-------------------------------------------------------------------------
 *
 * arn.c
 *	  Syntax check of the IAM principal ARNs that may be mapped to a role.
 *
 * Accepted, exactly (DSQL maps IAM roles and IAM users, never STS sessions):
 *
 *	  arn:<partition>:iam::<account>:role<path><name>
 *	  arn:<partition>:iam::<account>:user<path><name>
 *
 *	  partition  aws | aws-cn | aws-us-gov
 *	  region     empty (IAM is global)
 *	  account    exactly 12 ASCII digits (so "*" is refused)
 *	  path       "/" or "/seg/.../seg/": at most 512 characters including
 *	             the slashes; segments are non-empty runs of printable ASCII
 *	             (0x21-0x7E) other than "/", "*" and "?"
 *	  name       1-64 characters of [A-Za-z0-9+=,.@_-]
 *	  total      at most 2048 bytes
 *
 * These are the IAM naming rules (CreateRole/CreateUser), made slightly
 * stricter on the path: IAM accepts "*" and "?" and empty segments there,
 * which we refuse because they read as wildcards in policies and nobody
 * uses them.  ARNs are compared byte for byte elsewhere; IAM treats role
 * names case-insensitively, we do not fold case (DSQL's behaviour here is
 * not documented).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "dsql_iam.h"

static bool
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') ||
		c == '+' || c == '=' || c == ',' || c == '.' || c == '@' ||
		c == '_' || c == '-';
}

static bool
is_path_char(char c)
{
	return c >= 0x21 && c <= 0x7E && c != '/' && c != '*' && c != '?';
}

/* If s starts with prefix, return the rest of s, else NULL. */
static const char *
skip_prefix(const char *s, const char *prefix)
{
	size_t		len = strlen(prefix);

	return strncmp(s, prefix, len) == 0 ? s + len : NULL;
}

#define INVALID(why) \
	do { if (reason) *reason = (why); return false; } while (0)

bool
dsql_iam_arn_is_valid(const char *arn, const char **reason)
{
	const char *p;
	const char *rest;
	const char *last_slash;
	size_t		len;
	int			i;

	if (reason)
		*reason = NULL;
	if (arn == NULL || arn[0] == '\0')
		INVALID("The ARN is empty.");

	len = strnlen(arn, DSQL_IAM_ARN_MAX_LEN + 1);
	if (len > DSQL_IAM_ARN_MAX_LEN)
		INVALID("An IAM ARN is at most 2048 bytes long.");

	if ((p = skip_prefix(arn, "arn:")) == NULL)
		INVALID("An IAM ARN starts with \"arn:\".");

	/* partition; the longest name first so "aws" does not match "aws-cn" */
	if ((rest = skip_prefix(p, "aws-us-gov:")) == NULL &&
		(rest = skip_prefix(p, "aws-cn:")) == NULL &&
		(rest = skip_prefix(p, "aws:")) == NULL)
		INVALID("The partition must be aws, aws-cn or aws-us-gov.");
	p = rest;

	if ((rest = skip_prefix(p, "iam::")) == NULL)
	{
		if (skip_prefix(p, "sts:") != NULL)
			INVALID("STS session ARNs cannot be mapped; map the IAM role ARN (arn:aws:iam::<account>:role/<name>) instead.");
		INVALID("The service must be iam and the region empty.");
	}
	p = rest;

	for (i = 0; i < 12; i++)
	{
		if (p[i] < '0' || p[i] > '9')
			INVALID("The account must be exactly 12 digits.");
	}
	p += 12;
	if (*p != ':')
		INVALID("The account must be exactly 12 digits.");
	p++;

	if ((rest = skip_prefix(p, "role/")) == NULL &&
		(rest = skip_prefix(p, "user/")) == NULL)
		INVALID("The resource must be role/<name> or user/<name>.");
	p = rest - 1;				/* p points to the leading "/" of the path */

	/* path: from p to last_slash inclusive; name: after last_slash */
	last_slash = strrchr(p, '/');
	Assert(last_slash != NULL);

	if (last_slash - p + 1 > DSQL_IAM_PATH_MAX_LEN)
		INVALID("An IAM path is at most 512 characters long.");
	{
		const char *q;
		bool		segment_empty = true;

		for (q = p + 1; q <= last_slash; q++)
		{
			if (*q == '/')
			{
				if (segment_empty)
					INVALID("The IAM path has an empty segment.");
				segment_empty = true;
			}
			else if (!is_path_char(*q))
				INVALID("The IAM path contains a character that is not allowed.");
			else
				segment_empty = false;
		}
	}

	p = last_slash + 1;
	len = strlen(p);
	if (len == 0)
		INVALID("The IAM role or user name is empty.");
	if (len > DSQL_IAM_NAME_MAX_LEN)
		INVALID("An IAM role or user name is at most 64 characters long.");
	for (; *p; p++)
	{
		if (!is_name_char(*p))
			INVALID("The IAM role or user name contains a character that is not allowed.");
	}
	return true;
}
