import { describeIssues, type Envelope, errorMessage, parseEnvelope, type StreamEntry, withDeadline } from "@msa-board/service-kit/events";
import type { Logger } from "@msa-board/service-kit/logger";
import { contextFromTraceparent, withRedisSpan } from "@msa-board/service-kit/tracing";
import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { Database } from "../db/client.ts";
import { processedEvents } from "../db/schema.ts";
import type { EventHandlers } from "./event-handlers.ts";
import type { GroupNames, GroupReader } from "./group-reader.ts";
import { isOutage } from "./outage.ts";

export type EntryOutcome = "applied" | "duplicate" | "dead-lettered" | "failed" | "gone";

export type ConsumerCounters = { applied: number; duplicates: number; handlerFailures: number; deadLettered: number; reclaimed: number };

export type EntryHandlerOptions = {
  reader: GroupReader;
  names: GroupNames;
  db: Database;
  handlers: EventHandlers;
  logger: Logger;
  tracer: Tracer;
  counters: ConsumerCounters;
  /** Deliveries (XPENDING's counter) after which a failing event goes to the dead-letter stream. */
  maxDeliveries: number;
  /** Bound for one event's transaction: postgres.js has no client-side timeout of its own. */
  transactionTimeoutMs: number;
};

/**
 * Applies one entry exactly once: the handler and the event's dedupe record commit in one PostgreSQL
 * transaction, and the entry is XACKed only after that commit. Poison entries go to the dead-letter
 * stream. Each handled event is a CONSUMER span in the trace of the request that caused it.
 */
export class EntryHandler {
  constructor(private readonly o: EntryHandlerOptions) {}

  /** Throws only when a store is unavailable (the loop then backs off and the entry is redone). */
  async handle(entry: StreamEntry, deliveries: number): Promise<EntryOutcome> {
    if (entry.message === null) {
      // Deleted from the stream while pending: nothing left to do but forget it.
      await this.o.reader.ack(entry.id);
      return "gone";
    }
    const raw = entry.message.envelope;
    const parsed = parseEnvelope(raw);
    const type = parsed.ok ? parsed.envelope.type : "unknown";
    const parent = contextFromTraceparent(parsed.ok ? parsed.envelope.traceparent : parsed.traceparent);
    const attributes: Attributes = {
      "messaging.system": "redis",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": this.o.names.stream,
      "messaging.consumer.group.name": this.o.names.group,
      "messaging.message.id": parsed.ok ? parsed.envelope.id : entry.id,
      "messaging.redis.entry_id": entry.id,
      "messaging.redis.delivery_count": deliveries,
      "event.type": type,
    };
    return this.o.tracer.startActiveSpan(`events process ${type}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        if (!parsed.ok) return await this.deadLetter(entry, raw ?? "", parsed.error, span);
        const outcome = await this.apply(entry, parsed.envelope, deliveries, span);
        span.setAttribute("event.outcome", outcome);
        return outcome;
      } catch (err) {
        markFailed(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
  }

  private async apply(entry: StreamEntry, envelope: Envelope, deliveries: number, span: Span): Promise<EntryOutcome> {
    const raw = entry.message?.envelope ?? "";
    const handler = this.o.handlers[envelope.type];
    if (!handler) return this.deadLetter(entry, raw, `unknown event type ${JSON.stringify(envelope.type)}`, span);
    const data = handler.data.safeParse(envelope.data);
    if (!data.success) return this.deadLetter(entry, raw, `invalid data for ${envelope.type}: ${describeIssues(data.error)}`, span);

    let result: { duplicate: true } | { duplicate: false; summary: Record<string, unknown> };
    try {
      const transaction = this.o.db.transaction(async (tx) => {
        const recorded = await tx
          .insert(processedEvents)
          .values({ eventId: envelope.id, type: envelope.type })
          .onConflictDoNothing()
          .returning({ eventId: processedEvents.eventId });
        if (recorded.length === 0) return { duplicate: true as const };
        const summary = await handler.handle(tx, {
          id: envelope.id,
          type: envelope.type,
          occurredAt: new Date(envelope.occurredAt),
          data: data.data,
        });
        return { duplicate: false as const, summary };
      });
      // Past the bound the transaction may still commit: the entry stays unacknowledged, and its
      // redelivery finds the dedupe record — applied once either way.
      result = await withDeadline(transaction, this.o.transactionTimeoutMs, "the postings database");
    } catch (err) {
      if (isOutage(err)) throw err;
      return this.handlerFailed(entry, envelope, deliveries, span, err);
    }

    await withRedisSpan(this.o.tracer, "XACK", () => this.o.reader.ack(entry.id));
    if (result.duplicate) {
      this.o.counters.duplicates += 1;
      this.o.logger.info("duplicate event skipped", { entryId: entry.id, eventId: envelope.id, type: envelope.type });
      return "duplicate";
    }
    this.o.counters.applied += 1;
    this.o.logger.info("event applied", { entryId: entry.id, eventId: envelope.id, type: envelope.type, ...result.summary });
    return "applied";
  }

  private async handlerFailed(entry: StreamEntry, envelope: Envelope, deliveries: number, span: Span, err: unknown): Promise<EntryOutcome> {
    this.o.counters.handlerFailures += 1;
    markFailed(span, err);
    if (deliveries >= this.o.maxDeliveries) {
      return this.deadLetter(entry, entry.message?.envelope ?? "", `handler failed on delivery ${deliveries}: ${errorMessage(err)}`, span);
    }
    this.o.logger.warn("event handler failed; the entry stays pending and is retried", {
      entryId: entry.id,
      eventId: envelope.id,
      type: envelope.type,
      deliveries,
      maxDeliveries: this.o.maxDeliveries,
      err: errorMessage(err),
    });
    return "failed";
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

function markFailed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
