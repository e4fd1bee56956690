import { type Context, context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";

/** The W3C `traceparent` of the active span, for an event envelope; null outside any trace. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** A context whose parent is the span an event's `traceparent` names, so consumers join that trace. */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}
