import { describeIssues, type Envelope, parseEnvelope, type StreamEntry } from "@msa-board/service-kit/events";
import { contextFromTraceparent } from "@msa-board/service-kit/tracing";
import { type Attributes, type Context, type Span, SpanStatusCode } from "@opentelemetry/api";
import type { EventHandler, EventHandlers } from "./event-handlers.ts";
import type { GroupNames } from "./group-reader.ts";

/** A valid event on its way through a batch, with its CONSUMER span (open until it is settled). */
export type Pending = {
  entry: StreamEntry;
  envelope: Envelope;
  handler: EventHandler;
  data: unknown;
  deliveries: number;
  /** The aggregate it changes (EventHandler.aggregateOf). */
  key: string;
  /** The context of the envelope's traceparent: the CONSUMER span's parent. */
  parent: Context;
  span?: Span;
};

export type Poison = { poison: string; parent: Context; attributes: Attributes };

/** Parses and validates an entry: an event ready to apply, poison (with why), or gone from the stream. */
export function checkEntry(entry: StreamEntry, deliveries: number, handlers: EventHandlers, names: GroupNames): Pending | Poison | "gone" {
  if (entry.message === null) return "gone";
  const parsed = parseEnvelope(entry.message.envelope);
  const parent = contextFromTraceparent(parsed.ok ? parsed.envelope.traceparent : parsed.traceparent);
  if (!parsed.ok) return { poison: parsed.error, parent, attributes: consumerAttributes(names, entry, deliveries, "unknown", entry.id) };
  const { envelope } = parsed;
  const attributes = consumerAttributes(names, entry, deliveries, envelope.type, envelope.id);
  const handler = handlers[envelope.type];
  if (!handler) return { poison: `unknown event type ${JSON.stringify(envelope.type)}`, parent, attributes };
  const data = handler.data.safeParse(envelope.data);
  if (!data.success) return { poison: `invalid data for ${envelope.type}: ${describeIssues(data.error)}`, parent, attributes };
  return { entry, envelope, handler, data: data.data, deliveries, key: handler.aggregateOf?.(data.data) ?? "", parent };
}

/** The CONSUMER span's attributes (OpenTelemetry messaging conventions). */
export function consumerAttributes(names: GroupNames, entry: StreamEntry, deliveries: number, type: string, messageId: string): Attributes {
  return {
    "messaging.system": "redis",
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.destination.name": names.stream,
    "messaging.consumer.group.name": names.group,
    "messaging.message.id": messageId,
    "messaging.redis.entry_id": entry.id,
    "messaging.redis.delivery_count": deliveries,
    "event.type": type,
  };
}

/** Ends an event's span as failed (its transaction rolled back for an outage). */
export function endSpan(p: Pending, err: unknown): void {
  if (!p.span) return;
  markFailed(p.span, err);
  p.span.end();
  p.span = undefined;
}

export function markFailed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
