import { DeadlineError, withDeadline } from "@msa-board/service-kit/events";
import type { Database, Transaction } from "../db/client.ts";
import type { ItemSteps } from "./savepoint-batch.ts";

/** The batch could not be applied as a whole (not an outage): nothing of it was committed. */
export class BatchRolledBack extends Error {
  override name = "BatchRolledBack";
}

export type GroupedBatchOptions<I> = {
  db: Database;
  /** Hard bound for the whole transaction: postgres.js has no client-side timeout of its own. */
  timeoutMs: number;
  /** Items of one group run one after the other, in order; groups run side by side. */
  groupOf: (item: I) => string;
  /** An error that is not the item's fault (a store outage): rethrown as it is. */
  isOutage: (err: unknown) => boolean;
};

/**
 * The fast path for a batch of events the batch handler does not cover (set-batch.ts does the
 * common case): ONE transaction, all or nothing, in which the groups (aggregates) go
 * side by side — each group's items one after the other, in order — so the statements of different
 * groups share round trips (postgres.js pipelines what is issued on a transaction, and PostgreSQL
 * runs it in arrival order: the interleaving changes nothing, as groups touch different rows). A
 * batch of n new authors costs a few round trips instead of a few per event.
 *
 * Any item failing rolls the whole transaction back: rejects with BatchRolledBack (or the outage
 * itself), nothing committed, and the caller redoes the batch one savepoint per item
 * (savepoint-batch.ts), which isolates the failing one. So does running past `timeoutMs` (then the
 * transaction is abandoned at its next item; should it commit anyway, the redo finds the dedupe
 * records). Resolves with each item's value, in order.
 */
export async function allInOneTransaction<I, R>(items: I[], steps: ItemSteps<I, R>, o: GroupedBatchOptions<I>): Promise<R[]> {
  const groups = new Map<string, number[]>();
  for (const [i, item] of items.entries()) {
    const key = o.groupOf(item);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const values: R[] = new Array(items.length);
  let abandoned = false;
  const transaction = o.db.transaction(async (tx) => {
    const settled = await Promise.allSettled([...groups.values()].map((indexes) => applyGroup(tx, indexes)));
    // Every group has finished (none still issuing statements) before the transaction ends either way.
    const failure = settled.find((s) => s.status === "rejected");
    if (failure) throw failure.reason;
  });
  async function applyGroup(tx: Transaction, indexes: number[]): Promise<void> {
    for (const i of indexes) {
      if (abandoned) throw new Error("transaction abandoned past its time bound");
      const item = items[i] as I;
      const rows = await steps.within(item, () => tx.execute<Record<string, unknown>>(steps.first(item)).then((r) => r));
      values[i] = await steps.within(item, () => steps.rest(tx, item, rows));
    }
  }
  try {
    await withDeadline(transaction, o.timeoutMs, "the postings database");
    return values;
  } catch (err) {
    abandoned = true;
    // Too slow as a whole is no outage yet: the savepoint path bounds each transaction by its budget.
    if (o.isOutage(err) && !(err instanceof DeadlineError)) throw err;
    throw new BatchRolledBack("a batch event failed: the batch is redone one savepoint per event", { cause: err });
  }
}
