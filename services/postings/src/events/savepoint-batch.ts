import { withDeadline } from "@msa-board/service-kit/events";
import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { type SQL, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.ts";

/** What one item of a batch came to: its value, or the error it was rolled back for. */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export type SavepointBatchOptions = {
  db: Database;
  /** Hard bound for the whole transaction: postgres.js has no client-side timeout of its own. */
  timeoutMs: number;
  /** No item starts once the transaction is this old: the rest wait for the next one. */
  budgetMs: number;
  /** At most this many items per transaction (see SAVEPOINT below). */
  maxItems: number;
  /** True ends the transaction after the item in hand (the consumer is stopping). */
  stopped: () => boolean;
  /** An error that is not the item's fault (a store outage): it ends the whole transaction. */
  isOutage: (err: unknown) => boolean;
};

/** One item's work: its first statement (sent with its SAVEPOINT, in one write), then the rest. */
export type ItemSteps<T, R> = {
  first: (item: T) => SQL;
  rest: (tx: Transaction, item: T, firstRows: Record<string, unknown>[]) => Promise<R>;
  /** Where the item's statements run (e.g. in its span's context); synchronous around `fn`. */
  within: <X>(item: T, fn: () => X) => X;
};

const SAVEPOINT = sql.raw("savepoint batch_item");
const RELEASE = sql.raw("release savepoint batch_item");
const ROLLBACK = sql.raw("rollback to savepoint batch_item");

/**
 * Runs a prefix of `items`, in order, in ONE transaction, each item inside a SAVEPOINT of its own: an
 * item that throws is rolled back alone (its outcome carries the error) and the others commit
 * together. An outage, or the transaction outliving `timeoutMs`, rejects and commits nothing.
 * Resolves, after the commit, with one outcome per item it got to: fewer than `items` when the
 * budget, `maxItems` or a stop ended it early; the caller goes on with the rest.
 *
 * The previous item's RELEASE, the SAVEPOINT and the item's first statement go out together without
 * waiting for each other (postgres.js sends a transaction's statements in the order they are issued,
 * and these three take the same path to it), so the bookkeeping adds no round trip; COMMIT releases
 * the last savepoint. One subtransaction is open at a time, and `maxItems` stays within PostgreSQL's
 * per-backend cache of subtransaction ids (64), past which other sessions' snapshots get slower for
 * as long as this transaction lasts.
 */
export async function inOneTransaction<T, R>(items: T[], steps: ItemSteps<T, R>, o: SavepointBatchOptions): Promise<ItemOutcome<R>[]> {
  let abandoned = false;
  const transaction = o.db.transaction(async (tx) => {
    const started = performance.now();
    const outcomes: ItemOutcome<R>[] = [];
    let toRelease = false;
    for (const item of items) {
      if (abandoned) throw new Error("transaction abandoned past its time bound");
      if (outcomes.length > 0 && (outcomes.length >= o.maxItems || performance.now() - started >= o.budgetMs || o.stopped())) break;
      const bookkeeping = Promise.all([toRelease ? untraced(tx, RELEASE) : undefined, untraced(tx, SAVEPOINT)]);
      const first = steps.within(item, () => execute(tx, steps.first(item)));
      // Both are awaited below; a rejection while the other is pending is not an unhandled one.
      bookkeeping.catch(() => {});
      first.catch(() => {});
      try {
        await bookkeeping; // failing here, the transaction is broken: not the item's fault
      } catch (err) {
        await first.catch(() => {});
        throw err;
      }
      try {
        const rows = await first;
        const value = await steps.within(item, () => steps.rest(tx, item, rows));
        outcomes.push({ ok: true, value });
        toRelease = true;
      } catch (error) {
        if (o.isOutage(error)) throw error;
        await untraced(tx, ROLLBACK);
        toRelease = false;
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  });
  try {
    return await withDeadline(transaction, o.timeoutMs, "the postings database");
  } catch (err) {
    // Past the bound the transaction may still be running: stop it at the next item and roll back.
    // If it commits first anyway, the redelivered entries find their dedupe records.
    abandoned = true;
    throw err;
  }
}

function execute(tx: Transaction, statement: SQL): Promise<Record<string, unknown>[]> {
  return tx.execute<Record<string, unknown>>(statement).then((rows) => rows);
}

/** The batch's own bookkeeping statements make no spans: only what an event does is traced. */
function untraced(tx: Transaction, statement: SQL): Promise<unknown> {
  return context.with(suppressTracing(context.active()), () => execute(tx, statement));
}
