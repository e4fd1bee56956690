import { errorMessage, type StreamEntry } from "@msa-board/service-kit/events";
import type { Logger } from "@msa-board/service-kit/logger";
import { withRedisSpan } from "@msa-board/service-kit/tracing";
import { type Attributes, type Context, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { processedEvents } from "../db/schema.ts";
import { checkEntry, consumerAttributes, endSpan, markFailed, type Pending } from "./checked-entry.ts";
import type { BatchHandler, EventHandlers } from "./event-handlers.ts";
import type { GroupNames, GroupReader } from "./group-reader.ts";
import { allInOneTransaction, BatchRolledBack } from "./grouped-batch.ts";
import { isOutage } from "./outage.ts";
import { type ItemOutcome, type ItemSteps, inOneTransaction } from "./savepoint-batch.ts";
import { allAsSet } from "./set-batch.ts";

export type EntryOutcome = "applied" | "duplicate" | "dead-lettered" | "failed" | "gone";

export type ConsumerCounters = { applied: number; duplicates: number; handlerFailures: number; deadLettered: number; reclaimed: number };

export type EntryHandlerOptions = {
  reader: GroupReader;
  names: GroupNames;
  db: Database;
  handlers: EventHandlers;
  /** Applies a batch of the events it covers set-based (set-batch.ts); the others go through their handlers. */
  batch?: BatchHandler;
  logger: Logger;
  tracer: Tracer;
  counters: ConsumerCounters;
  /** Deliveries (XPENDING's counter) after which a failing event goes to the dead-letter stream. */
  maxDeliveries: number;
  /** Bound for one transaction: postgres.js has no client-side timeout of its own. */
  transactionTimeoutMs: number;
  /** Events applied in one transaction at most when each needs a savepoint (after a failure in the batch). */
  maxPerTransaction: number;
};

export type Applied = { duplicate: true } | { duplicate: false; summary: Record<string, unknown> };

/**
 * Applies a batch of entries, each exactly once: the events go through one PostgreSQL transaction
 * (set-based when the batch handler covers them all: set-batch.ts; else grouped-batch.ts) and the
 * entries are XACKed together only after the commit. If anything in it fails, the batch is redone
 * with each event in a SAVEPOINT with its dedupe record (savepoint-batch.ts), so one event failing is
 * rolled back alone; poison entries go to the dead-letter stream. Each event is a CONSUMER span in
 * the trace of the request that caused it.
 */
export class EntryHandler {
  private readonly steps: ItemSteps<Pending, Applied>;

  constructor(private readonly o: EntryHandlerOptions) {
    // Each event's statements run in its CONSUMER span, started when its turn in the transaction comes.
    this.steps = {
      first: (p) => sql`insert into ${processedEvents} (event_id, type, processed_at)
        values (${p.envelope.id}, ${p.envelope.type}, clock_timestamp()) on conflict do nothing returning event_id`,
      rest: async (tx, p, recorded) => {
        if (recorded.length === 0) return { duplicate: true };
        const event = { id: p.envelope.id, type: p.envelope.type, occurredAt: new Date(p.envelope.occurredAt), data: p.data };
        return { duplicate: false, summary: await p.handler.handle(tx, event) };
      },
      within: (p, fn) => {
        p.span ??= this.spanOf(p);
        return context.with(trace.setSpan(p.parent, p.span), fn);
      },
    };
  }

  /** One entry on its own (tests that drive the consumer step by step). */
  async handle(entry: StreamEntry, deliveries: number): Promise<EntryOutcome> {
    const [outcome] = await this.handleBatch([entry], new Map([[entry.id, deliveries]]), () => false);
    return outcome ?? "failed";
  }

  /**
   * Handles `entries` (in stream order); outcomes in that order, for the entries it got to before a
   * stop. Throws only when a store is unavailable: then nothing of the transaction in hand is
   * acknowledged, and its entries are redone (finding the dedupe records of anything committed).
   */
  async handleBatch(entries: StreamEntry[], deliveries: Map<string, number>, stopped: () => boolean): Promise<EntryOutcome[]> {
    const outcomes = new Map<string, EntryOutcome>();
    const gone: string[] = [];
    const valid: Pending[] = [];
    for (const entry of entries) {
      const checked = checkEntry(entry, deliveries.get(entry.id) ?? 1, this.o.handlers, this.o.names);
      if (checked === "gone") gone.push(entry.id);
      else if ("poison" in checked)
        outcomes.set(entry.id, await this.deadLetterPoison(entry, checked.poison, checked.parent, checked.attributes));
      else valid.push(checked);
    }
    // Deleted from the stream while pending: nothing left to do but forget them.
    await this.o.reader.ack(gone);
    for (const id of gone) outcomes.set(id, "gone");

    // Sorted by aggregate (stream order within each): on the savepoint path two members' batches take
    // row locks in one order. Side by side, two all-at-once batches may deadlock; PostgreSQL fails one,
    // and that one goes on with savepoints.
    let queue = valid
      .map((p, i) => ({ p, i }))
      .sort((a, b) => (a.p.key < b.p.key ? -1 : a.p.key > b.p.key ? 1 : a.i - b.i))
      .map((s) => s.p);
    let maxItems = this.o.maxPerTransaction;
    // All at once first; if anything in it fails, the batch goes on one savepoint per event.
    let together = queue.length > 1 && !stopped();
    while (queue.length > 0 && !stopped()) {
      const results = (together ? await this.allOrNothing(queue) : undefined) ?? (await this.oneByOne(queue, maxItems, stopped));
      together = false;
      if (results === "redo one per transaction") {
        maxItems = 1;
        continue;
      }
      const done = queue.slice(0, results.length);
      queue = queue.slice(results.length);
      for (const [id, outcome] of await this.settle(done, results)) outcomes.set(id, outcome);
    }
    return entries.flatMap((e) => {
      const outcome = outcomes.get(e.id);
      return outcome ? [outcome] : [];
    });
  }

  /**
   * The fast path: the whole queue in one transaction, set-based when the batch handler covers every
   * event, else aggregates side by side; undefined if any event failed.
   */
  private async allOrNothing(queue: Pending[]): Promise<ItemOutcome<Applied>[] | undefined> {
    const batch = this.o.batch;
    try {
      let values: Applied[];
      if (batch && queue.every((p) => batch.covers(p.handler))) {
        // Every event's span is open from the start; the batch's statements sit under the first one's.
        for (const p of queue) p.span ??= this.spanOf(p);
        const first = queue[0] as Pending;
        values = await allAsSet(queue, {
          db: this.o.db,
          batch,
          timeoutMs: this.o.transactionTimeoutMs,
          isOutage,
          within: (fn) => context.with(trace.setSpan(first.parent, first.span as Span), fn),
        });
      } else {
        values = await allInOneTransaction(queue, this.steps, {
          db: this.o.db,
          timeoutMs: this.o.transactionTimeoutMs,
          groupOf: (p) => p.key,
          isOutage,
        });
      }
      return values.map((value) => ({ ok: true, value }));
    } catch (err) {
      if (err instanceof BatchRolledBack) {
        // Slower, not wrong: said once per batch, so a set-based path failing every time shows up.
        this.o.logger.warn("batch rolled back; redoing it one savepoint per event", { events: queue.length, err: errorMessage(err.cause) });
        return undefined;
      }
      for (const p of queue) endSpan(p, err);
      throw err;
    }
  }

  /** Each event in a savepoint of its own (a prefix of the queue): the one that fails is rolled back alone. */
  private async oneByOne(
    queue: Pending[],
    maxItems: number,
    stopped: () => boolean,
  ): Promise<ItemOutcome<Applied>[] | "redo one per transaction"> {
    try {
      return await inOneTransaction(queue, this.steps, {
        db: this.o.db,
        timeoutMs: this.o.transactionTimeoutMs,
        budgetMs: this.o.transactionTimeoutMs / 4,
        maxItems,
        stopped,
        isOutage,
      });
    } catch (err) {
      if (isOutage(err)) {
        for (const p of queue) endSpan(p, err);
        throw err;
      }
      // Failed as a whole, not at one event's statements: redo one event per transaction to find which.
      if (maxItems > 1) return "redo one per transaction";
      return [{ ok: false, error: err }];
    }
  }

  /** After the commit: one XACK for what took effect (or had already), then outcomes, logs and spans. */
  private async settle(done: Pending[], results: ItemOutcome<Applied>[]): Promise<Map<string, EntryOutcome>> {
    const outcomes = new Map<string, EntryOutcome>();
    for (const p of done) p.span ??= this.spanOf(p);
    const acked = done.filter((_, i) => results[i]?.ok);
    const last = acked.at(-1);
    if (last?.span) {
      // One command for the whole batch; its span sits under the last event's (the only one when idle).
      const ack = () => this.o.reader.ack(acked.map((p) => p.entry.id));
      const attributes = { "messaging.batch.message_count": acked.length };
      try {
        await context.with(trace.setSpan(last.parent, last.span), () => withRedisSpan(this.o.tracer, "XACK", ack, attributes));
      } catch (err) {
        for (const p of done) endSpan(p, err);
        throw err;
      }
    }
    for (const [i, p] of done.entries()) {
      const result = results[i] as ItemOutcome<Applied>;
      const span = p.span as Span;
      const outcome = await context.with(trace.setSpan(p.parent, span), () =>
        result.ok ? this.applied(p, result.value) : this.handlerFailed(p, span, result.error),
      );
      outcomes.set(p.entry.id, outcome);
      span.setAttribute("event.outcome", outcome);
      span.end();
    }
    return outcomes;
  }

  private applied(p: Pending, result: Applied): EntryOutcome {
    const fields = { entryId: p.entry.id, eventId: p.envelope.id, type: p.envelope.type };
    if (result.duplicate) {
      this.o.counters.duplicates += 1;
      this.o.logger.info("duplicate event skipped", fields);
      return "duplicate";
    }
    this.o.counters.applied += 1;
    this.o.logger.info("event applied", { ...fields, ...result.summary });
    return "applied";
  }

  private async handlerFailed(p: Pending, span: Span, err: unknown): Promise<EntryOutcome> {
    this.o.counters.handlerFailures += 1;
    markFailed(span, err);
    if (p.deliveries >= this.o.maxDeliveries) {
      const raw = p.entry.message?.envelope ?? "";
      return this.deadLetter(p.entry, raw, `handler failed on delivery ${p.deliveries}: ${errorMessage(err)}`, span);
    }
    this.o.logger.warn("event handler failed; the entry stays pending and is retried", {
      entryId: p.entry.id,
      eventId: p.envelope.id,
      type: p.envelope.type,
      deliveries: p.deliveries,
      maxDeliveries: this.o.maxDeliveries,
      err: errorMessage(err),
    });
    return "failed";
  }

  private spanOf(p: Pending): Span {
    return this.startSpan(p.parent, consumerAttributes(this.o.names, p.entry, p.deliveries, p.envelope.type, p.envelope.id));
  }

  private startSpan(parent: Context, attributes: Attributes): Span {
    return this.o.tracer.startSpan(`events process ${attributes["event.type"]}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  }

  private async deadLetterPoison(entry: StreamEntry, error: string, parent: Context, attributes: Attributes): Promise<EntryOutcome> {
    const span = this.startSpan(parent, attributes);
    try {
      return await context.with(trace.setSpan(parent, span), () => this.deadLetter(entry, entry.message?.envelope ?? "", error, span));
    } catch (err) {
      markFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  private async deadLetter(entry: StreamEntry, envelope: string, error: string, span: Span): Promise<EntryOutcome> {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.setAttribute("event.outcome", "dead-lettered");
    await withRedisSpan(this.o.tracer, "MULTI", () =>
      this.o.reader.deadLetter(entry.id, { envelope, error: error.slice(0, 2_000), failedAt: new Date().toISOString() }),
    );
    this.o.counters.deadLettered += 1;
    this.o.logger.warn("event dead-lettered", {
      entryId: entry.id,
      deadLetterStream: this.o.names.deadLetterStream,
      error: error.slice(0, 500),
    });
    return "dead-lettered";
  }
}
