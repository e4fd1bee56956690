import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { childrenOf } from "@msa-board/service-kit/test-support";
import { SpanKind } from "@opentelemetry/api";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { spanExporter } from "../test-support/tracing.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "postings_traces" });
});
afterAll(() => h?.close());

describe("traces", () => {
  test("GET /postings is a server span named by its route, continuing the caller's trace, with SQL spans under it", async () => {
    const author = await h.user();
    await h.post(author, { title: "secret title" });
    spanExporter.reset();
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await h.call("GET", "/postings?limit=5", { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.status).toBe(200);
    const spans = spanExporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe("GET /postings");
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    const sql = childrenOf(spans, server as NonNullable<typeof server>).filter((s) => s.attributes["db.system"] === "postgresql");
    expect(sql.length).toBeGreaterThanOrEqual(1);
    expect(String(sql[0]?.attributes["db.statement"])).toMatch(/^select .* from "postings"/i);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain("secret title");
  });

  test("routes with an id are named by their template", async () => {
    const author = await h.user();
    const { id } = await h.post(author);
    spanExporter.reset();
    await h.call("PATCH", `/postings/${id}`, { token: author.token, json: { title: "t" } });
    const server = spanExporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe("PATCH /postings/:id");
  });

  test("/healthz and /metrics make no spans at all", async () => {
    spanExporter.reset();
    expect((await h.call("GET", "/healthz")).status).toBe(200);
    expect((await h.call("GET", "/metrics")).status).toBe(200);
    expect(spanExporter.getFinishedSpans()).toEqual([]);
  });
});
