/*-------------------------------------------------------------------------
 *
 * mapping.c
 *	  The mapping store: which IAM principals (ARNs) may connect as which
 *	  database role.  One interface (dsql_iam.h): read for authentication,
 *	  write for sys.aws_iam_grant()/sys.aws_iam_revoke(), enumerate for the
 *	  sys.iam_pg_role_mappings view.  No other file knows the storage.
 *
 * Where mappings live, and why
 *
 *	  Each mapped role carries one security label of the provider "dsql_iam"
 *	  in the shared catalog pg_shseclabel (objoid = role OID, classoid =
 *	  pg_authid).  Evidence and reasons:
 *	  - the authentication hook runs before a database is selected; only
 *	    shared catalogs (pg_authid, pg_shseclabel, ...) are readable then
 *	    (verified on PG 15, DESIGN.md), so a per-database table would need a
 *	    shared-memory cache kept coherent by hand, across crashes too;
 *	  - the read is one probe of pg_shseclabel's unique index on (objoid,
 *	    classoid, provider) (GetSecurityLabel -> GetSharedSecurityLabel):
 *	    measured flat from 10 to 10,000 mappings (bench/RESULTS.md);
 *	  - mappings are cluster-wide like roles, as in DSQL;
 *	  - keyed by role OID: ALTER ROLE ... RENAME keeps them, and DropRole
 *	    deletes the role's shared labels, so no orphan can outlive a role;
 *	  - transactional and WAL-logged for free: restart and crash recovery
 *	    keep exactly the committed mappings (tests/regress/durability.sh);
 *	  - pg_dumpall dumps the labels (SECURITY LABEL FOR dsql_iam ON ROLE).
 *
 * Who writes
 *
 *	  Only sys.aws_iam_grant() / sys.aws_iam_revoke() (grant.c, through
 *	  SetSecurityLabel here).  A direct SECURITY LABEL FOR dsql_iam never
 *	  reaches core (utility.c hands it to dsql_iam_mapping_restore()), and
 *	  is refused for everyone, superusers included, unless the superuser-only
 *	  setting dsql_iam.allow_label_restore is on.  That setting exists for
 *	  one job: restoring a pg_dumpall script (PGOPTIONS='-c
 *	  dsql_iam.allow_label_restore=on' psql -f dump.sql).  Chosen over
 *	  "superusers may always" (a hand-written label would silently bypass
 *	  the grant checks) and over "restore through our procedure" (pg_dumpall
 *	  emits SECURITY LABEL, which we cannot change).  Even then the label is
 *	  checked as a grant would be: syntax, role has LOGIN, role is not admin,
 *	  one iam_oid per ARN across the cluster; its grantors are resolved by
 *	  name, since the dumped cluster's OIDs mean nothing here.  A statement
 *	  without FOR reaches core, which calls dsql_iam_relabel_hook: refused.
 *
 * Label format, version 1 (text; lines end with '\n'):
 *
 *	  dsql_iam 1
 *	  <iam_oid> <grantor_oid> <arn> <grantor_name>
 *	  ...
 *
 *	  OIDs are unsigned decimals; the ARN has no blank (arn.c); the grantor
 *	  name is percent-encoded (bytes outside 0x21-0x7E and '%' as %XX), so a
 *	  line splits at its blanks.  The grantor name is optional on input.  It
 *	  is the name at grant time and is used only when a label is restored
 *	  (a grantor OID of 0 means "resolve the name when read": a dump may
 *	  restore a mapped role before its grantor).  The header's version lets
 *	  a later release change the format; another version is "corrupt" for
 *	  this one.  Parsing never trusts the text: on any defect the label is
 *	  reported (ERROR for writers, the caller's elevel for readers) and
 *	  never half-used.
 *
 * iam_oid
 *
 *	  Identifies the principal: every mapping of one ARN carries the same
 *	  iam_oid.  On grant, an ARN already mapped to some role reuses that
 *	  iam_oid; otherwise it is the 32-bit FNV-1a hash of the ARN bytes,
 *	  lifted to at least FirstNormalObjectId, then probed upward (wrapping)
 *	  past values used by other ARNs.  It is stored, so it survives restarts,
 *	  renames and dump/restore.  Limits: it is not an OID of any catalog; an
 *	  ARN whose mappings are all revoked and later granted again gets the
 *	  hash again, normally the same value, but a different one if another
 *	  ARN took it meanwhile.
 *
 * Cost
 *
 *	  Read (authentication): one index probe, then the role's own label is
 *	  parsed: O(mappings of that role), at most DSQL_IAM_MAX_MAPPINGS_PER_ROLE.
 *	  Grant: the iam_oid choice scans every label, O(all mappings) (2 ms at
 *	  10,000 on the bench machine).  Revoke: O(mappings of the role).
 *
 * Concurrency
 *
 *	  Writers take ShareUpdateExclusiveLock on pg_shseclabel (self-
 *	  conflicting, does not block readers or other label writers) to
 *	  serialise read-modify-write of labels and the iam_oid choice, then
 *	  AccessShareLock on the role object, which conflicts with the
 *	  AccessExclusiveLock that DROP ROLE and ALTER ROLE ... NOLOGIN take in
 *	  utility.c before they look at the mappings.
 *
 * Limits
 *
 *	  Only enforced while the library is loaded (it refuses to load other
 *	  than preloaded): on a server started without it, DROP ROLE simply drops
 *	  a mapped role and its label.  DROP EXTENSION keeps the labels (they
 *	  are role data, like the roles themselves); CREATE EXTENSION shows them
 *	  again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_shseclabel.h"
#include "commands/seclabel.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "dsql_iam.h"

#define LABEL_HEADER "dsql_iam 1"

/* How many ARNs dsql_iam_mapping_describe() names before "and N more". */
#define DESCRIBE_MAX 10

static ObjectAddress
role_address(Oid roleid)
{
	ObjectAddress address;

	address.classId = AuthIdRelationId;
	address.objectId = roleid;
	address.objectSubId = 0;
	return address;
}

static char *
read_label(Oid roleid)
{
	ObjectAddress address = role_address(roleid);

	return GetSecurityLabel(&address, DSQL_IAM_PROVIDER);
}

void
dsql_iam_mapping_list_free(List *mappings)
{
	ListCell   *lc;

	foreach(lc, mappings)
	{
		DsqlIamMapping *m = (DsqlIamMapping *) lfirst(lc);

		pfree(m->arn);
		if (m->grantor_name)
			pfree(m->grantor_name);
		pfree(m);
	}
	list_free(mappings);
}

/* Parse an unsigned decimal OID of 1-10 digits ending at a space. */
static bool
parse_oid(const char **pp, Oid *out)
{
	const char *p = *pp;
	uint64		v = 0;
	int			n = 0;

	while (*p >= '0' && *p <= '9')
	{
		v = v * 10 + (uint64) (*p - '0');
		if (++n > 10 || v > PG_UINT32_MAX)
			return false;
		p++;
	}
	if (n == 0 || *p != ' ')
		return false;
	*out = (Oid) v;
	*pp = p + 1;
	return true;
}

/*
 * Role names may hold any byte but NUL, blanks and newlines included: in a
 * label they are percent-encoded (bytes outside 0x21-0x7E, and '%', as %XX
 * with upper-case hex digits), so that a name is one blank-free field.
 */
static void
append_encoded_name(StringInfo buf, const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *) name; *p; p++)
	{
		if (*p < 0x21 || *p > 0x7E || *p == '%')
			appendStringInfo(buf, "%%%02X", *p);
		else
			appendStringInfoChar(buf, (char) *p);
	}
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode [p, end) into a palloc'd name, or return NULL when malformed. */
static char *
decode_name(const char *p, const char *end)
{
	StringInfoData buf;

	if (p == end)
		return NULL;
	initStringInfo(&buf);
	while (p < end)
	{
		if (*p == '%')
		{
			int			hi = (end - p >= 3) ? hex_value(p[1]) : -1;
			int			lo = (end - p >= 3) ? hex_value(p[2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			appendStringInfoChar(&buf, (char) (hi * 16 + lo));
			p += 3;
		}
		else if (*p < 0x21 || *p > 0x7E)
			goto bad;
		else
			appendStringInfoChar(&buf, *p++);
		if (buf.len >= NAMEDATALEN)
			goto bad;
	}
	return buf.data;

bad:
	pfree(buf.data);
	return NULL;
}

/*
 * Parse a label.  Returns true and the list in *out, or false and a
 * sentence in *why (the partial list is freed).  Every line is checked;
 * "an ARN appears twice" only when strict (writers and restore): that check
 * is quadratic in the role's mappings, and the labels readers see were all
 * written through a strict path.
 */
static bool
parse_label(const char *label, bool strict, List **out, const char **why)
{
	List	   *result = NIL;
	const char *p = label;
	size_t		hlen = strlen(LABEL_HEADER);
	DsqlIamMapping m;

	*out = NIL;
	if (strncmp(p, LABEL_HEADER, hlen) != 0 ||
		(p[hlen] != '\n' && p[hlen] != '\0'))
	{
		*why = "The label does not start with the line \"" LABEL_HEADER "\".";
		return false;
	}
	p += hlen;
	if (*p == '\n')
		p++;

	while (*p != '\0')
	{
		const char *eol;
		const char *arn_end;
		const char *arn_reason;
		ListCell   *lc;

		if (!parse_oid(&p, &m.iam_oid) || !OidIsValid(m.iam_oid))
		{
			*why = "A line does not start with a valid iam_oid.";
			goto fail;
		}
		if (!parse_oid(&p, &m.grantor))
		{
			*why = "A line has no valid grantor OID.";
			goto fail;
		}
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		arn_end = memchr(p, ' ', eol - p);
		if (arn_end == NULL)
			arn_end = eol;
		if (arn_end - p > DSQL_IAM_ARN_MAX_LEN)
		{
			*why = "A line holds an ARN that is too long.";
			goto fail;
		}
		m.grantor_name = NULL;
		if (arn_end != eol &&
			(m.grantor_name = decode_name(arn_end + 1, eol)) == NULL)
		{
			*why = "A line holds an invalid grantor name.";
			goto fail;
		}
		m.arn = pnstrdup(p, arn_end - p);
		if (!dsql_iam_arn_is_valid(m.arn, &arn_reason))
		{
			*why = "A line holds an invalid ARN.";
			goto fail_line;
		}
		if (strict)
		{
			foreach(lc, result)
			{
				if (strcmp(((DsqlIamMapping *) lfirst(lc))->arn, m.arn) == 0)
				{
					*why = "An ARN appears twice.";
					goto fail_line;
				}
			}
		}
		if (list_length(result) >= DSQL_IAM_MAX_MAPPINGS_PER_ROLE)
		{
			*why = "The label holds too many mappings.";
			goto fail_line;
		}
		{
			DsqlIamMapping *copy = palloc(sizeof(DsqlIamMapping));

			*copy = m;
			result = lappend(result, copy);
		}
		p = eol;
		if (*p == '\n')
			p++;
	}
	*out = result;
	return true;

fail_line:
	pfree(m.arn);
	if (m.grantor_name)
		pfree(m.grantor_name);
fail:
	dsql_iam_mapping_list_free(result);
	return false;
}

static char *
format_label(List *mappings)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf, LABEL_HEADER "\n");
	foreach(lc, mappings)
	{
		DsqlIamMapping *m = (DsqlIamMapping *) lfirst(lc);

		appendStringInfo(&buf, "%u %u %s", m->iam_oid, m->grantor, m->arn);
		if (m->grantor_name != NULL && m->grantor_name[0] != '\0')
		{
			appendStringInfoChar(&buf, ' ');
			append_encoded_name(&buf, m->grantor_name);
		}
		appendStringInfoChar(&buf, '\n');
	}
	return buf.data;
}

static void
report_corrupt(int elevel, Oid roleid, const char *why)
{
	char	   *name = GetUserNameFromId(roleid, true);

	ereport(elevel,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("IAM mapping label of role \"%s\" is corrupt",
					dsql_iam_log_text(name)),
			 errdetail("%s", dsql_iam_log_text(why)),
			 errhint("A superuser can remove it with SECURITY LABEL FOR %s ON ROLE ... IS NULL, with %s.allow_label_restore on, and grant the mappings again.",
					 DSQL_IAM_PROVIDER, DSQL_IAM_PROVIDER)));
}

List *
dsql_iam_mapping_list(Oid roleid, int elevel, bool *corrupt)
{
	char	   *label = read_label(roleid);
	List	   *result;
	const char *why;

	if (corrupt)
		*corrupt = false;
	if (label == NULL)
		return NIL;
	if (!parse_label(label, false, &result, &why))
	{
		if (corrupt)
			*corrupt = true;
		report_corrupt(elevel, roleid, why);
		result = NIL;
	}
	pfree(label);
	return result;
}

bool
dsql_iam_mapping_exists(Oid roleid, const char *arn, int elevel)
{
	List	   *mappings = dsql_iam_mapping_list(roleid, elevel, NULL);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, mappings)
	{
		if (strcmp(((DsqlIamMapping *) lfirst(lc))->arn, arn) == 0)
		{
			found = true;
			break;
		}
	}
	dsql_iam_mapping_list_free(mappings);
	return found;
}

char *
dsql_iam_mapping_describe(Oid roleid)
{
	List	   *mappings = dsql_iam_mapping_list(roleid, WARNING, NULL);
	StringInfoData buf;
	ListCell   *lc;
	int			n = 0;

	if (mappings == NIL)
		return NULL;
	/* one line per mapping, as DROP ROLE lists dependent objects */
	initStringInfo(&buf);
	foreach(lc, mappings)
	{
		if (n == DESCRIBE_MAX)
		{
			appendStringInfo(&buf, "\nand %d other IAM mappings",
							 list_length(mappings) - DESCRIBE_MAX);
			break;
		}
		appendStringInfo(&buf, "%sIAM mapping to %s", n > 0 ? "\n" : "",
						 ((DsqlIamMapping *) lfirst(lc))->arn);
		n++;
	}
	dsql_iam_mapping_list_free(mappings);
	return buf.data;
}

/*
 * Visit every parseable mapping of the cluster.  Scans pg_shseclabel (a
 * small catalog) under the current catalog snapshot.
 */
void
dsql_iam_mapping_foreach(dsql_iam_mapping_visitor visitor, void *arg)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	MemoryContext tmpcxt;
	MemoryContext oldcxt;

	tmpcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "dsql_iam mapping scan",
								   ALLOCSET_SMALL_SIZES);
	rel = table_open(SharedSecLabelRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_shseclabel form = (Form_pg_shseclabel) GETSTRUCT(tuple);
		Datum		datum;
		bool		isnull;
		char	   *provider;
		char	   *label;
		List	   *mappings;
		const char *why;
		ListCell   *lc;

		if (form->classoid != AuthIdRelationId)
			continue;

		oldcxt = MemoryContextSwitchTo(tmpcxt);
		datum = heap_getattr(tuple, Anum_pg_shseclabel_provider,
							 RelationGetDescr(rel), &isnull);
		provider = isnull ? NULL : TextDatumGetCString(datum);
		if (provider == NULL || strcmp(provider, DSQL_IAM_PROVIDER) != 0)
		{
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(tmpcxt);
			continue;
		}
		datum = heap_getattr(tuple, Anum_pg_shseclabel_label,
							 RelationGetDescr(rel), &isnull);
		label = isnull ? NULL : TextDatumGetCString(datum);
		if (label == NULL)
			mappings = NIL;
		else if (!parse_label(label, false, &mappings, &why))
		{
			report_corrupt(WARNING, form->objoid, why);
			mappings = NIL;
		}
		MemoryContextSwitchTo(oldcxt);

		foreach(lc, mappings)
			visitor(form->objoid, (DsqlIamMapping *) lfirst(lc), arg);

		MemoryContextReset(tmpcxt);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	MemoryContextDelete(tmpcxt);
}

Oid
dsql_iam_mapping_grantor(const DsqlIamMapping *m)
{
	if (OidIsValid(m->grantor) || m->grantor_name == NULL)
		return m->grantor;
	return get_role_oid(m->grantor_name, true);
}

/* ---- write side ---- */

/*
 * The iam_oids of the cluster, for choose_iam_oid() and the restore check:
 * one scan of pg_shseclabel collects them into a sorted array.
 */
typedef struct IamOidSearch
{
	const char *arn;			/* ARN looked for */
	Oid			found;			/* iam_oid of arn, if mapped somewhere */
	Oid		   *used;			/* iam_oids of other ARNs (unsorted, dups) */
	int			nused;
	int			maxused;
} IamOidSearch;

static void
collect_iam_oid(Oid roleid, const DsqlIamMapping *m, void *arg)
{
	IamOidSearch *s = (IamOidSearch *) arg;

	(void) roleid;
	if (strcmp(m->arn, s->arn) == 0)
	{
		s->found = m->iam_oid;
		return;
	}
	if (s->nused == s->maxused)
	{
		s->maxused *= 2;
		s->used = repalloc(s->used, sizeof(Oid) * s->maxused);
	}
	s->used[s->nused++] = m->iam_oid;
}

static void
collect_all(IamOidSearch *s, const char *arn)
{
	s->arn = arn;
	s->found = InvalidOid;
	s->maxused = 64;
	s->nused = 0;
	s->used = palloc(sizeof(Oid) * s->maxused);
	dsql_iam_mapping_foreach(collect_iam_oid, s);
	qsort(s->used, s->nused, sizeof(Oid), oid_cmp);
}

static bool
iam_oid_used(const IamOidSearch *s, Oid oid)
{
	return s->nused > 0 &&
		bsearch(&oid, s->used, s->nused, sizeof(Oid), oid_cmp) != NULL;
}

/* 32-bit FNV-1a: simple, stable across releases and platforms. */
static uint32
fnv1a(const char *s)
{
	uint32		h = 2166136261u;

	for (; *s; s++)
	{
		h ^= (unsigned char) *s;
		h *= 16777619u;
	}
	return h;
}

static Oid
choose_iam_oid(const char *arn)
{
	IamOidSearch s;
	uint32		candidate;

	collect_all(&s, arn);
	if (OidIsValid(s.found))
	{
		pfree(s.used);
		return s.found;
	}

	candidate = fnv1a(arn);
	if (candidate < FirstNormalObjectId)
		candidate += FirstNormalObjectId;
	/* at most nused + 1 steps: used is finite */
	while (iam_oid_used(&s, (Oid) candidate))
		candidate = (candidate == PG_UINT32_MAX) ? FirstNormalObjectId
			: candidate + 1;
	pfree(s.used);
	return (Oid) candidate;
}

bool
dsql_iam_mapping_lock_role(Oid roleid)
{
	LockRelationOid(SharedSecLabelRelationId, ShareUpdateExclusiveLock);
	LockSharedObject(AuthIdRelationId, roleid, 0, AccessShareLock);
	/* LockSharedObject processed invalidations: the cache is current */
	return SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(roleid));
}

static List *
read_for_write(Oid roleid, const char *rolename)
{
	char	   *label;
	List	   *mappings;
	const char *why;

	if (!dsql_iam_mapping_lock_role(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" does not exist", dsql_iam_log_text(rolename))));
	label = read_label(roleid);
	if (label == NULL)
		return NIL;
	if (!parse_label(label, true, &mappings, &why))
		report_corrupt(ERROR, roleid, why);
	pfree(label);
	return mappings;
}

static void
write_label(Oid roleid, List *mappings)
{
	ObjectAddress address = role_address(roleid);
	char	   *label = mappings == NIL ? NULL : format_label(mappings);

	SetSecurityLabel(&address, DSQL_IAM_PROVIDER, label);
	if (label)
		pfree(label);
	CommandCounterIncrement();
}

bool
dsql_iam_mapping_add(Oid roleid, const char *rolename, const char *arn,
					 Oid grantor)
{
	List	   *mappings = read_for_write(roleid, rolename);
	ListCell   *lc;
	DsqlIamMapping *m;

	/*
	 * A duplicate grant is silently ignored, as DSQL does (reference: "a
	 * duplicate AWS IAM GRANT is silently ignored"): no error, no notice, the
	 * first grant's iam_oid and grantor stay.  Returns false then.
	 */
	foreach(lc, mappings)
	{
		if (strcmp(((DsqlIamMapping *) lfirst(lc))->arn, arn) == 0)
		{
			dsql_iam_mapping_list_free(mappings);
			return false;
		}
	}
	if (list_length(mappings) >= DSQL_IAM_MAX_MAPPINGS_PER_ROLE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("role %s has too many IAM mappings", dsql_iam_log_text(rolename)),
				 errdetail("A role can be mapped to at most %d IAM principals.",
						   DSQL_IAM_MAX_MAPPINGS_PER_ROLE)));

	m = palloc(sizeof(DsqlIamMapping));
	m->iam_oid = choose_iam_oid(arn);
	m->grantor = grantor;
	m->arn = pstrdup(arn);
	m->grantor_name = GetUserNameFromId(grantor, false);
	mappings = lappend(mappings, m);

	write_label(roleid, mappings);
	dsql_iam_mapping_list_free(mappings);
	return true;
}

void
dsql_iam_mapping_remove(Oid roleid, const char *rolename, const char *arn)
{
	List	   *mappings = read_for_write(roleid, rolename);
	ListCell   *lc;
	DsqlIamMapping *victim = NULL;

	foreach(lc, mappings)
	{
		DsqlIamMapping *m = (DsqlIamMapping *) lfirst(lc);

		if (strcmp(m->arn, arn) == 0)
		{
			victim = m;
			break;
		}
	}
	if (victim == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("IAM role %s is not mapped to role %s",
						arn, dsql_iam_log_text(rolename))));

	mappings = list_delete_ptr(mappings, victim);
	pfree(victim->arn);
	if (victim->grantor_name)
		pfree(victim->grantor_name);
	pfree(victim);

	write_label(roleid, mappings);
	dsql_iam_mapping_list_free(mappings);
}

/* ---- restore (SECURITY LABEL FOR dsql_iam) and the provider hook ---- */

static void
refuse_direct_label(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to set security label \"%s\"",
					DSQL_IAM_PROVIDER),
			 errdetail("IAM mappings are changed only through sys.aws_iam_grant() and sys.aws_iam_revoke()."),
			 errhint("To restore the output of pg_dumpall, a superuser sets %s.allow_label_restore to on for the restoring session.",
					 DSQL_IAM_PROVIDER)));
}

static void
refuse_admin_mapping(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_RESERVED_NAME),
			 errmsg("role admin cannot be mapped to an IAM principal"),
			 errdetail("The admin role connects with a DbConnectAdmin token, never through an IAM mapping.")));
}

static void
invalid_label(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid \"%s\" security label", DSQL_IAM_PROVIDER),
			 errdetail("%s", dsql_iam_log_text(why))));
}

typedef struct RestoreCheck
{
	Oid			roleid;			/* the role being labelled */
	List	   *mappings;		/* its new mappings */
} RestoreCheck;

static void
check_restored_iam_oid(Oid roleid, const DsqlIamMapping *e, void *arg)
{
	RestoreCheck *check = (RestoreCheck *) arg;
	ListCell   *lc;

	if (roleid == check->roleid)
		return;
	foreach(lc, check->mappings)
	{
		DsqlIamMapping *m = (DsqlIamMapping *) lfirst(lc);
		bool		same_arn = strcmp(m->arn, e->arn) == 0;

		if (same_arn && m->iam_oid != e->iam_oid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid \"%s\" security label", DSQL_IAM_PROVIDER),
					 errdetail("IAM role %s has iam_oid %u on another role, not %u.",
							   m->arn, e->iam_oid, m->iam_oid)));
		if (!same_arn && m->iam_oid == e->iam_oid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid \"%s\" security label", DSQL_IAM_PROVIDER),
					 errdetail("The iam_oid %u of IAM role %s identifies IAM role %s on another role.",
							   m->iam_oid, m->arn, e->arn)));
	}
}

void
dsql_iam_mapping_restore(const char *rolename, const char *seclabel)
{
	Oid			roleid;
	List	   *mappings;
	const char *why;
	HeapTuple	tuple;
	bool		canlogin;
	RestoreCheck check;
	ListCell   *lc;

	if (!dsql_iam_allow_label_restore || !superuser())
		refuse_direct_label();

	roleid = get_role_oid(rolename, false);
	if (strcmp(rolename, DSQL_IAM_ADMIN_ROLE) == 0)
		refuse_admin_mapping();
	if (!dsql_iam_mapping_lock_role(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" does not exist", dsql_iam_log_text(rolename))));

	if (seclabel == NULL)
	{
		/* removing a label: the repair path for a corrupt one */
		write_label(roleid, NIL);
		return;
	}

	if (!parse_label(seclabel, true, &mappings, &why))
		invalid_label(why);
	if (mappings == NIL)
		invalid_label("The label holds no mapping; remove it with IS NULL instead.");

	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(roleid));
	if (!HeapTupleIsValid(tuple))	/* cannot happen: we hold a lock */
		elog(ERROR, "cache lookup failed for role %u", roleid);
	canlogin = ((Form_pg_authid) GETSTRUCT(tuple))->rolcanlogin;
	ReleaseSysCache(tuple);
	if (!canlogin)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("role %s must have the LOGIN attribute", dsql_iam_log_text(rolename)),
				 errhint("Restore the role with LOGIN before its security label, as pg_dumpall does.")));

	/*
	 * iam_oid identifies a principal: one ARN, one iam_oid, across the whole
	 * cluster.  Compare with every other role's label (ours is replaced).
	 */
	foreach(lc, mappings)
	{
		DsqlIamMapping *m = (DsqlIamMapping *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, mappings)
		{
			DsqlIamMapping *o = (DsqlIamMapping *) lfirst(lc2);

			if (o != m && o->iam_oid == m->iam_oid)
				invalid_label("Two ARNs of the label share one iam_oid.");
		}
	}
	check.roleid = roleid;
	check.mappings = mappings;
	dsql_iam_mapping_foreach(check_restored_iam_oid, &check);

	/* grantor OIDs of the dumped cluster mean nothing here: use names */
	foreach(lc, mappings)
	{
		DsqlIamMapping *m = (DsqlIamMapping *) lfirst(lc);

		m->grantor = m->grantor_name != NULL
			? get_role_oid(m->grantor_name, true) : InvalidOid;
	}

	write_label(roleid, mappings);
	dsql_iam_mapping_list_free(mappings);
}

void
dsql_iam_relabel_hook(const ObjectAddress *object, const char *seclabel)
{
	/*
	 * SECURITY LABEL FOR dsql_iam never reaches core (utility.c); this is a
	 * statement without FOR, which core resolved to us as the only provider.
	 */
	(void) object;
	(void) seclabel;
	refuse_direct_label();
}
