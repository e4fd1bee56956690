import type { JaegerKeyValue, JaegerSpan, JaegerTagValue, JaegerTrace } from "./jaeger-api.ts";

/** One span flattened for reading: its service resolved, its tags as a map, times in µs. */
export type SpanView = {
  traceId: string;
  spanId: string;
  /** The span this one hangs under in the same trace; null for a root. */
  parentId: string | null;
  service: string;
  operation: string;
  startUs: number;
  durationUs: number;
  attributes: Record<string, JaegerTagValue>;
  error: boolean;
  /** Why it failed, from the status description or a recorded exception; null if it did not. */
  errorMessage: string | null;
};

export const UNKNOWN_SERVICE = "?";

/** The service a span belongs to, from the trace's process table. */
export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? UNKNOWN_SERVICE;
}

/** A span's tags (OTel attributes, plus span.kind / otel.status_code Jaeger adds) as a flat map. */
export function spanAttributes(span: JaegerSpan): Record<string, JaegerTagValue> {
  return keyValuesToMap(span.tags ?? []);
}

export function keyValuesToMap(pairs: JaegerKeyValue[]): Record<string, JaegerTagValue> {
  return Object.fromEntries(pairs.map((pair) => [pair.key, pair.value]));
}

/**
 * The parent within the same trace, as Jaeger's UI picks it: the CHILD_OF reference, else a
 * FOLLOWS_FROM one. References into other traces (span links) are not parents.
 */
export function parentIdOf(span: JaegerSpan): string | null {
  const sameTrace = (span.references ?? []).filter((ref) => ref.traceID === span.traceID);
  const parent = sameTrace.find((ref) => ref.refType === "CHILD_OF") ?? sameTrace[0];
  return parent?.spanID ?? null;
}

/** OTel marks failure with status ERROR (`otel.status_code`); older SDKs with an `error` tag. */
export function isErrorSpan(attributes: Record<string, JaegerTagValue>): boolean {
  return attributes.error === true || attributes.error === "true" || attributes["otel.status_code"] === "ERROR";
}

/** The status description, else the first recorded exception's message. */
function errorMessageOf(span: JaegerSpan, attributes: Record<string, JaegerTagValue>): string | null {
  const direct = attributes["otel.status_description"] ?? attributes["error.message"] ?? attributes["exception.message"];
  if (direct !== undefined && direct !== "") return String(direct);
  for (const log of span.logs ?? []) {
    const message = log.fields.find((field) => field.key === "exception.message");
    if (message) return String(message.value);
  }
  return null;
}

export function toSpanView(trace: JaegerTrace, span: JaegerSpan): SpanView {
  const attributes = spanAttributes(span);
  const error = isErrorSpan(attributes);
  return {
    traceId: span.traceID,
    spanId: span.spanID,
    parentId: parentIdOf(span),
    service: serviceOf(trace, span),
    operation: span.operationName,
    startUs: span.startTime,
    durationUs: span.duration,
    attributes,
    error,
    errorMessage: error ? errorMessageOf(span, attributes) : null,
  };
}
