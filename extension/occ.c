/*-------------------------------------------------------------------------
 *
 * occ.c
 *	  Aurora DSQL's optimistic concurrency for strict sessions: concurrent
 *	  writers never wait on each other's row locks, and the transaction that
 *	  loses fails at COMMIT with 40001 "change conflicts with another
 *	  transaction (OC000)".  An application's retry logic can be tested
 *	  locally, even with two connections driven from one thread.
 *
 * Design
 *	  PostgreSQL's heap makes a second writer of a row wait for the first
 *	  one's transaction, and there is no hook in that wait.  The table
 *	  access method dsql_occ is heap (every callback is heap's) with three
 *	  callbacks wrapped: tuple_update, tuple_delete and tuple_lock.  In a
 *	  strict session under REPEATABLE READ (DSQL's only level) they first
 *	  ask heap not to wait:
 *
 *	  - the row is free: the write happens, as in heap;
 *	  - the row is locked by another transaction in a mode that does not
 *	    conflict (a foreign key check's FOR KEY SHARE against a non-key
 *	    update), or by this transaction: the lock is taken without waiting
 *	    (heap_lock_tuple, LockWaitSkip), then heap writes without waiting;
 *	  - the row is being written or locked in a conflicting mode by another
 *	    transaction (it would block), or was changed by one that committed
 *	    after this transaction's snapshot: the write is skipped, the row
 *	    counts as written (command tag, row limit), and the transaction is
 *	    doomed: its COMMIT fails with 40001 OC000 (strict.c).  A skipped
 *	    update or delete is reported to the executor as "already done by
 *	    this command" (TM_SelfModified with our command id), which it skips
 *	    silently; a skipped lock hands back the row as the snapshot sees it.
 *
 *	  New row versions are counted for DSQL's 10 MiB per transaction.
 *	  Sessions that are not strict (and strict sessions in another isolation
 *	  level) get heap's behaviour unchanged.  Strict mode creates tables with
 *	  this access method (strict_utility.c); tables created otherwise keep
 *	  heap and PostgreSQL's waits.
 *
 * Where it differs from DSQL (README, "Optimistic concurrency")
 *	  The first writer of a row wins, not the first committer: a second
 *	  writer that commits first still fails, and it fails even when the
 *	  first writer rolls back.  A FOR UPDATE lock holder wins over a later
 *	  writer.  RETURNING gives no row for a skipped row.  Concurrent inserts
 *	  of one key still wait in the unique index, as in PostgreSQL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/tableam.h"
#include "access/multixact.h"
#include "access/xact.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/rel.h"

#include "dsql_iam.h"

PG_FUNCTION_INFO_V1(dsql_occ_tableam_handler);

static const TableAmRoutine *heap_methods = NULL;
static TableAmRoutine occ_methods;

/* The row's size as stored (before TOAST), for the 10 MiB limit. */
static void
count_bytes(TupleTableSlot *slot)
{
	bool		should_free;
	HeapTuple	tuple;

	if (!dsql_iam_strict_active())
		return;
	tuple = ExecFetchSlotHeapTuple(slot, true, &should_free);
	dsql_iam_strict_add_bytes(tuple->t_len);
	if (should_free)
		heap_freetuple(tuple);
}

/*
 * Lock a row without waiting, in the mode a write needs.  TM_Ok when this
 * transaction now holds it (nobody conflicting holds it).
 */
static TM_Result
lock_no_wait(Relation rel, ItemPointer tid, Snapshot snapshot, CommandId cid,
			 LockTupleMode mode)
{
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	TM_FailureData tmfd;
	TM_Result	result;

	result = heap_methods->tuple_lock(rel, tid, snapshot, slot, cid, mode,
									  LockWaitSkip, 0, &tmfd);
	ExecDropSingleTupleTableSlot(slot);
	return result;
}

/* The write is skipped: doom the transaction, tell the executor "done". */
static TM_Result
skip_write(Relation rel, ItemPointer tid, CommandId cid, TM_FailureData *tmfd)
{
	dsql_iam_strict_doom(RelationGetRelid(rel));
	dsql_iam_strict_row_skipped();
	tmfd->ctid = *tid;
	tmfd->xmax = GetCurrentTransactionId();
	tmfd->cmax = cid;
	tmfd->traversed = false;
	return TM_SelfModified;
}

static bool
conflict(TM_Result r)
{
	return r == TM_BeingModified || r == TM_WouldBlock ||
		r == TM_Updated || r == TM_Deleted;
}

static void
occ_tuple_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
				 int options, struct BulkInsertStateData *bistate)
{
	count_bytes(slot);
	heap_methods->tuple_insert(rel, slot, cid, options, bistate);
}

static void
occ_tuple_insert_speculative(Relation rel, TupleTableSlot *slot, CommandId cid,
							 int options, struct BulkInsertStateData *bistate,
							 uint32 specToken)
{
	count_bytes(slot);
	heap_methods->tuple_insert_speculative(rel, slot, cid, options, bistate, specToken);
}

static void
occ_multi_insert(Relation rel, TupleTableSlot **slots, int nslots,
				 CommandId cid, int options, struct BulkInsertStateData *bistate)
{
	int			i;

	for (i = 0; i < nslots; i++)
		count_bytes(slots[i]);
	heap_methods->multi_insert(rel, slots, nslots, cid, options, bistate);
}

static TM_Result
occ_tuple_update(Relation rel, ItemPointer otid, TupleTableSlot *slot,
				 CommandId cid, Snapshot snapshot, Snapshot crosscheck,
				 bool wait, TM_FailureData *tmfd, LockTupleMode *lockmode,
				 bool *update_indexes)
{
	TM_Result	r;

	if (!wait || !dsql_iam_occ_active())
		return heap_methods->tuple_update(rel, otid, slot, cid, snapshot, crosscheck,
										  wait, tmfd, lockmode, update_indexes);
	count_bytes(slot);
	r = heap_methods->tuple_update(rel, otid, slot, cid, snapshot, crosscheck,
								   false, tmfd, lockmode, update_indexes);
	if (r == TM_BeingModified)
	{
		/* heap set *lockmode (key columns changed or not) before looking */
		r = lock_no_wait(rel, otid, snapshot, cid, *lockmode);
		if (r == TM_Ok)
			return heap_methods->tuple_update(rel, otid, slot, cid, snapshot, crosscheck,
											  true, tmfd, lockmode, update_indexes);
	}
	if (conflict(r))
	{
		*update_indexes = false;
		return skip_write(rel, otid, cid, tmfd);
	}
	return r;
}

static TM_Result
occ_tuple_delete(Relation rel, ItemPointer tid, CommandId cid,
				 Snapshot snapshot, Snapshot crosscheck, bool wait,
				 TM_FailureData *tmfd, bool changingPart)
{
	TM_Result	r;

	if (!wait || !dsql_iam_occ_active())
		return heap_methods->tuple_delete(rel, tid, cid, snapshot, crosscheck,
										  wait, tmfd, changingPart);
	r = heap_methods->tuple_delete(rel, tid, cid, snapshot, crosscheck,
								   false, tmfd, changingPart);
	if (r == TM_BeingModified)
	{
		r = lock_no_wait(rel, tid, snapshot, cid, LockTupleExclusive);
		if (r == TM_Ok)
			return heap_methods->tuple_delete(rel, tid, cid, snapshot, crosscheck,
											  true, tmfd, changingPart);
	}
	if (conflict(r))
		return skip_write(rel, tid, cid, tmfd);
	return r;
}

static TM_Result
occ_tuple_lock(Relation rel, ItemPointer tid, Snapshot snapshot,
			   TupleTableSlot *slot, CommandId cid, LockTupleMode mode,
			   LockWaitPolicy wait_policy, uint8 flags, TM_FailureData *tmfd)
{
	TM_Result	r;

	/* NOWAIT and SKIP LOCKED keep their meaning; READ COMMITTED is heap's */
	if (wait_policy != LockWaitBlock ||
		(flags & TUPLE_LOCK_FLAG_FIND_LAST_VERSION) ||
		!dsql_iam_occ_active())
		return heap_methods->tuple_lock(rel, tid, snapshot, slot, cid, mode,
										wait_policy, flags, tmfd);
	r = heap_methods->tuple_lock(rel, tid, snapshot, slot, cid, mode,
								 LockWaitSkip, flags, tmfd);
	if (!conflict(r))
		return r;

	/*
	 * It would wait, or the row changed after our snapshot: go on with the
	 * row as this snapshot sees it (DSQL's locks are optimistic too), and
	 * fail at COMMIT.
	 */
	if (!heap_methods->tuple_fetch_row_version(rel, tid, snapshot, slot))
		return r;				/* not visible to us: the executor's usual path */
	dsql_iam_strict_doom(RelationGetRelid(rel));
	tmfd->traversed = false;
	return TM_Ok;
}

/*
 * Heap code that scans with heap_getnext() refuses any other access method
 * ("only heap AM is supported"), although ours stores exactly heap's
 * pages: these callbacks run with the relation presenting heap's routine.
 */
#define AS_HEAP(rel, call) \
	do { \
		const TableAmRoutine *saved_ = (rel)->rd_tableam; \
		(rel)->rd_tableam = heap_methods; \
		PG_TRY(); \
		{ \
			call; \
		} \
		PG_FINALLY(); \
		{ \
			(rel)->rd_tableam = saved_; \
		} \
		PG_END_TRY(); \
	} while (0)

static double
occ_index_build_range_scan(Relation table_rel, Relation index_rel,
						   struct IndexInfo *index_info, bool allow_sync,
						   bool anyvisible, bool progress,
						   BlockNumber start_blockno, BlockNumber numblocks,
						   IndexBuildCallback callback, void *callback_state,
						   TableScanDesc scan)
{
	volatile double result = 0;

	AS_HEAP(table_rel,
			result = heap_methods->index_build_range_scan(table_rel, index_rel, index_info,
														  allow_sync, anyvisible, progress,
														  start_blockno, numblocks,
														  callback, callback_state, scan));
	return result;
}

static void
occ_index_validate_scan(Relation table_rel, Relation index_rel,
						struct IndexInfo *index_info, Snapshot snapshot,
						struct ValidateIndexState *state)
{
	AS_HEAP(table_rel,
			heap_methods->index_validate_scan(table_rel, index_rel, index_info,
											  snapshot, state));
}

static void
occ_relation_copy_for_cluster(Relation OldTable, Relation NewTable,
							  Relation OldIndex, bool use_sort,
							  TransactionId OldestXmin,
							  TransactionId *xid_cutoff,
							  MultiXactId *multi_cutoff,
							  double *num_tuples, double *tups_vacuumed,
							  double *tups_recently_dead)
{
	AS_HEAP(OldTable,
			AS_HEAP(NewTable,
					heap_methods->relation_copy_for_cluster(OldTable, NewTable, OldIndex,
															use_sort, OldestXmin,
															xid_cutoff, multi_cutoff,
															num_tuples, tups_vacuumed,
															tups_recently_dead)));
}

void
dsql_iam_occ_init(void)
{
	heap_methods = GetHeapamTableAmRoutine();
	memcpy(&occ_methods, heap_methods, sizeof(TableAmRoutine));
	occ_methods.tuple_insert = occ_tuple_insert;
	occ_methods.tuple_insert_speculative = occ_tuple_insert_speculative;
	occ_methods.multi_insert = occ_multi_insert;
	occ_methods.tuple_update = occ_tuple_update;
	occ_methods.tuple_delete = occ_tuple_delete;
	occ_methods.tuple_lock = occ_tuple_lock;
	occ_methods.index_build_range_scan = occ_index_build_range_scan;
	occ_methods.index_validate_scan = occ_index_validate_scan;
	occ_methods.relation_copy_for_cluster = occ_relation_copy_for_cluster;
}

/*
 * sys.dsql_occ_handler(internal) RETURNS table_am_handler: the access
 * method dsql_occ (CREATE ACCESS METHOD in the 0.2 script).
 */
Datum
dsql_occ_tableam_handler(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(&occ_methods);
}
