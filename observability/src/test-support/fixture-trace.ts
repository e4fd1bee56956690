import type { JaegerKeyValue, JaegerSpan, JaegerTrace } from "../jaeger-api.ts";

export const FIXTURE_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
/** 2026-01-02T03:04:05.000Z in µs. */
export const FIXTURE_START_US = Date.UTC(2026, 0, 2, 3, 4, 5) * 1_000;

const tags = (values: Record<string, string | number | boolean>): JaegerKeyValue[] =>
  Object.entries(values).map(([key, value]) => ({
    key,
    value,
    type: typeof value === "number" ? "int64" : typeof value === "boolean" ? "bool" : "string",
  }));

function span(
  spanID: string,
  parent: string | null,
  processID: string,
  operationName: string,
  offsetUs: number,
  duration: number,
  spanTags: Record<string, string | number | boolean> = {},
): JaegerSpan {
  return {
    traceID: FIXTURE_TRACE_ID,
    spanID,
    operationName,
    references: parent ? [{ refType: "CHILD_OF", traceID: FIXTURE_TRACE_ID, spanID: parent }] : [],
    startTime: FIXTURE_START_US + offsetUs,
    duration,
    tags: tags(spanTags),
    logs: [],
    processID,
  };
}

/**
 * A POST /postings through the gateway as Jaeger returns it: gateway → postings server span →
 * SQL, Redis, and a failing outbox publish. Spans deliberately out of order, like Jaeger's answer.
 */
export function fixtureTrace(): JaegerTrace {
  return {
    traceID: FIXTURE_TRACE_ID,
    processes: {
      p1: { serviceName: "gateway", tags: [] },
      p2: { serviceName: "postings", tags: tags({ "host.name": "box" }) },
    },
    spans: [
      span("0000000000000003", "0000000000000002", "p2", "pg.query:INSERT postings", 2_000, 3_000, {
        "db.system": "postgresql",
        "db.statement":
          "INSERT INTO postings (id, title, body, author_id)\n  VALUES ($1, $2, $3, $4) RETURNING id, title, body, author_id, author_name, created_at, updated_at",
      }),
      span("0000000000000001", null, "p1", "ingress POST /postings", 0, 10_000, { "http.status_code": 201, "span.kind": "server" }),
      span("0000000000000002", "0000000000000001", "p2", "POST /postings", 1_000, 8_000, {
        "http.response.status_code": 201,
        "span.kind": "server",
      }),
      span("0000000000000004", "0000000000000002", "p2", "redis XADD", 6_000, 500, { "db.system": "redis", "db.operation": "XADD" }),
      span("0000000000000005", "0000000000000002", "p2", "publish user.updated", 7_000, 1_500, {
        "otel.status_code": "ERROR",
        "otel.status_description": "connection refused",
        error: true,
      }),
    ],
  };
}
