import type { EventHandlers, Transaction as PostingsTransaction } from "@msa-board/postings/module";
import type { EventPublisher } from "@msa-board/users/module";
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { sql } from "drizzle-orm";

/** A module that reacts to another's events, with the schema its tables live in. */
export type Subscriber = { module: string; schema: string; handlers: EventHandlers };

export type InProcessEventsOptions = {
  /** Schema of the publishing module: its transaction returns there after each handler. */
  publisherSchema: string;
  subscribers: Subscriber[];
  tracer: Tracer;
};

/**
 * users' event publisher in the monolith: no outbox, no stream — each subscriber's handler runs in
 * the transaction that made the change, so the change and every reaction commit or roll back
 * together. The handlers are postings' own (the ones its stream consumer calls), plain functions
 * on a transaction. Each module keeps its tables in its own schema: the transaction's search_path
 * points at the handler's schema while it runs (`set_config(…, true)` is local to the transaction).
 */
export function inProcessEvents({ publisherSchema, subscribers, tracer }: InProcessEventsOptions): EventPublisher {
  return {
    async publish(tx, event) {
      for (const subscriber of subscribers) {
        const handler = subscriber.handlers[event.type];
        if (!handler) continue;
        // Invalid data here is a bug in this process, not a poison message: fail the whole change.
        const data = handler.data.parse(event.data);
        await tracer.startActiveSpan(
          `${subscriber.module} handle ${event.type}`,
          {
            kind: SpanKind.INTERNAL,
            attributes: { "msa.module": subscriber.module, "messaging.message.id": event.id, "event.type": event.type },
          },
          async (span) => {
            try {
              await tx.execute(sql`select set_config('search_path', ${subscriber.schema}, true)`);
              // One connection, one transaction: the handlers use drizzle's query builder and SQL only,
              // never the schema-bound relational API, so users' transaction object serves them as is.
              const summary = await handler.handle(tx as unknown as PostingsTransaction, {
                id: event.id,
                type: event.type,
                occurredAt: new Date(),
                data,
              });
              span.setAttributes(Object.fromEntries(Object.entries(summary).map(([k, v]) => [`event.result.${k}`, String(v)])));
            } catch (err) {
              span.recordException(err as Error);
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw err;
            } finally {
              span.end();
            }
          },
        );
        await tx.execute(sql`select set_config('search_path', ${publisherSchema}, true)`);
      }
    },
  };
}
