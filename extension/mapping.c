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
 *	  pg_authid).  Reasons:
 *	  - the authentication hook runs before a database is selected; only
 *	    shared catalogs (pg_authid, pg_shseclabel, ...) are readable then, so
 *	    a per-database table would need a shared-memory cache kept coherent
 *	    by hand;
 *	  - mappings are cluster-wide like roles, as in DSQL;
 *	  - keyed by role OID: ALTER ROLE ... RENAME keeps them, DROP ROLE
 *	    removes them with the role (DropRole deletes its shared labels), so
 *	    no orphan can survive a role;
 *	  - transactional and WAL-logged for free; pg_dumpall dumps the labels.
 *	  Writes go through SetSecurityLabel() directly.  The provider hook
 *	  (dsql_iam_relabel_hook) vets SECURITY LABEL FOR dsql_iam statements:
 *	  refused for non-superusers (admin has CREATEROLE, which would otherwise
 *	  let it bypass our checks); allowed for superusers when the label parses
 *	  and every ARN is valid, so that a pg_dumpall script restores the
 *	  mappings (the library must be preloaded on the target).  A superuser
 *	  can also remove a corrupt label with "... IS NULL".
 *
 * Label format, version 1 (text; lines end with '\n'):
 *
 *	  dsql_iam 1
 *	  <iam_oid> <grantor_oid> <arn>
 *	  <iam_oid> <grantor_oid> <arn>
 *	  ...
 *
 *	  OIDs are unsigned decimals; the ARN, last, has no blank (arn.c), so the
 *	  line splits at its first two spaces.  The header's version number lets
 *	  a later release change the format; an unknown version is "corrupt" for
 *	  this one.  Parsing is strict and never trusts the text: on any defect
 *	  the label is reported (ERROR for writers, the caller's elevel for
 *	  readers) and never half-used.
 *
 * iam_oid
 *
 *	  Identifies the principal: every mapping of one ARN carries the same
 *	  iam_oid.  On grant, an ARN already mapped to some role reuses that
 *	  iam_oid; otherwise it is the 32-bit FNV-1a hash of the ARN bytes,
 *	  lifted to at least FirstNormalObjectId, then probed upward (wrapping)
 *	  past values used by other ARNs.  It is stored, so it survives restarts
 *	  and renames.  Limits: it is not an OID of any catalog; an ARN whose
 *	  mappings are all revoked and later granted again gets the hash again,
 *	  normally the same value, but a different one if another ARN took it
 *	  meanwhile; labels restored from a dump keep their stored values.
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
 *	  again.  A superuser's SECURITY LABEL is checked for syntax only (not
 *	  LOGIN, not iam_oid consistency with other roles): restore whole dumps.
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
 * Parse a label.  Returns true and the list in *out, or false and a
 * sentence in *why (the partial list is freed).
 */
static bool
parse_label(const char *label, List **out, const char **why)
{
	List	   *result = NIL;
	const char *p = label;
	size_t		hlen = strlen(LABEL_HEADER);

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
		DsqlIamMapping m;
		const char *eol;
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
		if (eol - p > DSQL_IAM_ARN_MAX_LEN)
		{
			*why = "A line holds an ARN that is too long.";
			goto fail;
		}
		m.arn = pnstrdup(p, eol - p);
		if (!dsql_iam_arn_is_valid(m.arn, &arn_reason))
		{
			pfree(m.arn);
			*why = "A line holds an invalid ARN.";
			goto fail;
		}
		foreach(lc, result)
		{
			if (strcmp(((DsqlIamMapping *) lfirst(lc))->arn, m.arn) == 0)
			{
				pfree(m.arn);
				*why = "An ARN appears twice.";
				goto fail;
			}
		}
		if (list_length(result) >= DSQL_IAM_MAX_MAPPINGS_PER_ROLE)
		{
			pfree(m.arn);
			*why = "The label holds too many mappings.";
			goto fail;
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

		appendStringInfo(&buf, "%u %u %s\n", m->iam_oid, m->grantor, m->arn);
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
					name ? name : "?"),
			 errdetail("%s", why),
			 errhint("A superuser can remove it with SECURITY LABEL FOR %s ON ROLE ... IS NULL and grant the mappings again.",
					 DSQL_IAM_PROVIDER)));
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
	if (!parse_label(label, &result, &why))
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
		else if (!parse_label(label, &mappings, &why))
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

/* ---- write side ---- */

typedef struct IamOidSearch
{
	const char *arn;
	Oid			found;			/* iam_oid of arn, if mapped somewhere */
	List	   *used;			/* iam_oids of other ARNs */
} IamOidSearch;

static void
collect_iam_oid(Oid roleid, const DsqlIamMapping *m, void *arg)
{
	IamOidSearch *s = (IamOidSearch *) arg;

	(void) roleid;
	if (strcmp(m->arn, s->arn) == 0)
		s->found = m->iam_oid;
	else
		s->used = list_append_unique_oid(s->used, m->iam_oid);
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

	s.arn = arn;
	s.found = InvalidOid;
	s.used = NIL;
	dsql_iam_mapping_foreach(collect_iam_oid, &s);
	if (OidIsValid(s.found))
	{
		list_free(s.used);
		return s.found;
	}

	candidate = fnv1a(arn);
	if (candidate < FirstNormalObjectId)
		candidate += FirstNormalObjectId;
	/* at most list_length(used) + 1 steps: used is finite */
	while (list_member_oid(s.used, (Oid) candidate))
		candidate = (candidate == PG_UINT32_MAX) ? FirstNormalObjectId
			: candidate + 1;
	list_free(s.used);
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
				 errmsg("role \"%s\" does not exist", rolename)));
	label = read_label(roleid);
	if (label == NULL)
		return NIL;
	if (!parse_label(label, &mappings, &why))
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

void
dsql_iam_mapping_add(Oid roleid, const char *rolename, const char *arn,
					 Oid grantor)
{
	List	   *mappings = read_for_write(roleid, rolename);
	ListCell   *lc;
	DsqlIamMapping *m;

	foreach(lc, mappings)
	{
		if (strcmp(((DsqlIamMapping *) lfirst(lc))->arn, arn) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("IAM role %s is already mapped to role %s",
							arn, rolename)));
	}
	if (list_length(mappings) >= DSQL_IAM_MAX_MAPPINGS_PER_ROLE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("role %s has too many IAM mappings", rolename),
				 errdetail("A role can be mapped to at most %d IAM principals.",
						   DSQL_IAM_MAX_MAPPINGS_PER_ROLE)));

	m = palloc(sizeof(DsqlIamMapping));
	m->iam_oid = choose_iam_oid(arn);
	m->grantor = grantor;
	m->arn = pstrdup(arn);
	mappings = lappend(mappings, m);

	write_label(roleid, mappings);
	dsql_iam_mapping_list_free(mappings);
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
						arn, rolename)));

	mappings = list_delete_ptr(mappings, victim);
	pfree(victim->arn);
	pfree(victim);

	write_label(roleid, mappings);
	dsql_iam_mapping_list_free(mappings);
}

/* ---- label provider hook ---- */

void
dsql_iam_relabel_hook(const ObjectAddress *object, const char *seclabel)
{
	List	   *mappings;
	const char *why;

	if (object->classId != AuthIdRelationId)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("security label provider \"%s\" labels only roles",
						DSQL_IAM_PROVIDER)));
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to set security label \"%s\"",
						DSQL_IAM_PROVIDER),
				 errdetail("IAM mappings are changed only through sys.aws_iam_grant() and sys.aws_iam_revoke()."),
				 errhint("Call sys.aws_iam_grant('<role>', '<arn>') as admin.")));
	if (seclabel == NULL)
		return;					/* removing a label is always safe */

	if (!parse_label(seclabel, &mappings, &why))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid \"%s\" security label", DSQL_IAM_PROVIDER),
				 errdetail("%s", why)));
	dsql_iam_mapping_list_free(mappings);

	{
		char	   *name = GetUserNameFromId(object->objectId, true);

		if (name != NULL && strcmp(name, DSQL_IAM_ADMIN_ROLE) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_RESERVED_NAME),
					 errmsg("role admin cannot be mapped to an IAM principal"),
					 errdetail("The admin role connects with a DbConnectAdmin token, never through an IAM mapping.")));
	}
}
