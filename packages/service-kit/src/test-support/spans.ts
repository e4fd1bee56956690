import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

export { InMemorySpanExporter };

/** Children of a span, for asserting that SQL/Redis spans nest under the request span. */
export function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  const parentId = parent.spanContext().spanId;
  return spans.filter((s) => s.parentSpanContext?.spanId === parentId);
}
