import { DeadlineError, withDeadline } from "@msa-board/service-kit/events";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { processedEvents } from "../db/schema.ts";
import type { Pending } from "./checked-entry.ts";
import type { Applied } from "./entry-handler.ts";
import type { BatchHandler } from "./event-handlers.ts";
import { BatchRolledBack } from "./grouped-batch.ts";

export type SetBatchOptions = {
  db: Database;
  batch: BatchHandler;
  /** Hard bound for the whole transaction: postgres.js has no client-side timeout of its own. */
  timeoutMs: number;
  /** An error that is not the batch's fault (a store outage): rethrown as it is. */
  isOutage: (err: unknown) => boolean;
  /** Where the batch's statements run (one event's span context); synchronous around `fn`. */
  within: <X>(fn: () => X) => X;
};

/**
 * The common case of a batch, set-based: ONE transaction and a constant number of statements however
 * many events it holds. One `insert into processed_events … select … on conflict do nothing returning`
 * tells the new events from the duplicates (a redelivery, or the same event twice in the batch: the
 * first in stream order is the new one); the batch handler applies all the new ones at once. All or
 * nothing, like allInOneTransaction: any failure rejects with BatchRolledBack (or the outage itself)
 * and the caller redoes the batch one savepoint per event. Resolves with each item's result, in order.
 */
export async function allAsSet(items: Pending[], o: SetBatchOptions): Promise<Applied[]> {
  let abandoned = false;
  const transaction = o.db.transaction((tx) =>
    o.within(async () => {
      // Prepared (parsed and planned once per connection), like the batch handler's statements.
      const json = JSON.stringify(items.map((p) => ({ id: p.envelope.id, type: p.envelope.type })));
      const recorded = await tx
        .insert(processedEvents)
        .select(sql`select e.id, e.type, clock_timestamp() from jsonb_to_recordset(${json}::jsonb) as e(id text, type text)`)
        .onConflictDoNothing()
        .returning({ eventId: processedEvents.eventId })
        .prepare("consumer_record_events")
        .execute();
      // Past the bound the caller has moved on: roll back rather than commit late.
      if (abandoned) throw new Error("transaction abandoned past its time bound");
      const fresh = new Set(recorded.map((r) => r.eventId));
      const isNew = items.map((p) => fresh.delete(p.envelope.id));
      const applying = items.filter((_, i) => isNew[i]);
      const summaries = await o.batch.handleAll(
        tx,
        applying.map((p) => ({
          handler: p.handler,
          event: { id: p.envelope.id, type: p.envelope.type, occurredAt: new Date(p.envelope.occurredAt), data: p.data },
        })),
      );
      let next = 0;
      return isNew.map(
        (n): Applied => (n ? { duplicate: false, summary: summaries[next++] as Record<string, unknown> } : { duplicate: true }),
      );
    }),
  );
  try {
    return await withDeadline(transaction, o.timeoutMs, "the postings database");
  } catch (err) {
    abandoned = true;
    // Too slow as a whole is no outage yet: the savepoint path bounds each transaction by its budget.
    if (o.isOutage(err) && !(err instanceof DeadlineError)) throw err;
    throw new BatchRolledBack("the set-based batch failed: it is redone one savepoint per event", { cause: err });
  }
}
