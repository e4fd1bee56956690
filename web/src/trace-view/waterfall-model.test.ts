import { describe, expect, test } from "bun:test";
import type { JaegerTrace } from "@msa-board/observability";
import { toTraceView } from "./waterfall-model.ts";

const TRACE_ID = "6e6caa8dc518482a178b084153d7bc05";
const T0 = Date.UTC(2026, 10, 26, 20, 53, 57) * 1_000;

type Tags = Record<string, string | number>;
const span = (
  spanID: string,
  parent: string | null,
  processID: string,
  operationName: string,
  offsetUs: number,
  duration: number,
  tags: Tags = {},
) => ({
  traceID: TRACE_ID,
  spanID: spanID,
  operationName,
  references: parent ? [{ refType: "CHILD_OF" as const, traceID: TRACE_ID, spanID: parent }] : [],
  startTime: T0 + offsetUs,
  duration,
  tags: Object.entries(tags).map(([key, value]) => ({ key, value, type: typeof value === "number" ? "int64" : "string" })),
  logs: [],
  processID,
});

/** A DELETE /user with the event hop to postings, out of order as Jaeger returns spans. */
const deleteUserTrace = (): JaegerTrace =>
  ({
    traceID: TRACE_ID,
    processes: {
      p1: { serviceName: "gateway", tags: [] },
      p2: { serviceName: "users", tags: [] },
      p3: { serviceName: "postings", tags: [] },
    },
    spans: [
      span("s5", "s3", "p3", "events process user.deleted", 20_000, 13_000, {
        "messaging.destination.name": "events",
        "messaging.operation.type": "process",
      }),
      span("s1", null, "p1", "DELETE /user", 0, 40_000, { "http.response.status_code": 204, "http.request.method": "DELETE" }),
      span("s2", "s1", "p2", "DELETE /user", 1_000, 13_000, { "http.response.status_code": 204, "http.request.method": "DELETE" }),
      span("s3", "s2", "p2", "DELETE users", 2_000, 1_170, {
        "db.system": "postgresql",
        "db.statement": 'delete from "users" where "users"."id" = $1',
      }),
      span("s6", "s5", "p3", "XACK", 33_000, 950, { "db.system": "redis", "db.operation": "XACK" }),
      span("s4", "s2", "p2", "users transaction", 1_500, 8_000),
    ],
  }) as unknown as JaegerTrace;

describe("toTraceView", () => {
  test("rows in waterfall order with depth, offsets and kinds", () => {
    const view = toTraceView(deleteUserTrace(), undefined);
    expect(view.traceId).toBe(TRACE_ID);
    expect(view.services).toEqual(["gateway", "postings", "users"]);
    expect(view.durationMs).toBe(40);
    expect(view.rows.map((r) => [r.service, r.operation, r.depth, r.kind])).toEqual([
      ["gateway", "DELETE /user", 0, "http"],
      ["users", "DELETE /user", 1, "http"],
      ["users", "users transaction", 2, "internal"],
      ["users", "DELETE users", 2, "sql"],
      ["postings", "events process user.deleted", 3, "event"],
      ["postings", "XACK", 4, "redis"],
    ]);
    const sql = view.rows.find((r) => r.kind === "sql");
    expect(sql?.startMs).toBe(2);
    expect(sql?.durationMs).toBe(1.17);
    expect(sql?.details).toEqual(['SQL: delete from "users" where "users"."id" = $1']);
    expect(view.rows.find((r) => r.kind === "redis")?.details).toEqual(["redis XACK"]);
    expect(view.rows[0]?.details).toEqual(["HTTP 204"]);
    expect(view.problems).toEqual([]);
    expect(view.startedAt).toBe("2026-11-26T20:53:57.000Z");
  });

  test("a span whose parent has not arrived is kept and marked", () => {
    const trace = deleteUserTrace();
    trace.spans = trace.spans.filter((s) => s.spanID !== "s3");
    const view = toTraceView(trace, undefined);
    const event = view.rows.find((r) => r.kind === "event");
    expect(event?.orphan).toBe(true);
    expect(view.problems.join(" ")).toContain("not in the trace");
  });

  test("links to Jaeger's own UI only when one is configured", () => {
    expect(toTraceView(deleteUserTrace(), undefined).jaegerUiUrl).toBeNull();
    expect(toTraceView(deleteUserTrace(), "http://localhost:16686/").jaegerUiUrl).toBe(`http://localhost:16686/trace/${TRACE_ID}`);
  });
});
