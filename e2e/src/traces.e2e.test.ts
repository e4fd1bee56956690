import { describe, expect, test } from "bun:test";
import { adminToken, api, signUpAndLogin } from "./support/api.ts";
import { monolith, serviceOf } from "./support/shape.ts";
import { expectRequestTraceShape, type Span, waitForTrace } from "./support/traces.ts";

const hasStoreSpans = (service: string, system: string) => (spans: { service: string; tags: Record<string, unknown> }[]) =>
  spans.some((s) => s.service === "gateway") && spans.some((s) => s.service === service && s.tags["db.system"] === system);

/**
 * In the monolith one process serves every route (service `monolith`): under its server span, an
 * internal span per module call (`users GET /user`) holds that module's store spans.
 */
function expectModuleSpan(spans: Span[], module: string, operation: string, storeSystem: "postgresql" | "redis"): void {
  if (!monolith) return;
  const call = spans.find((s) => s.service === "monolith" && s.operation === `${module} ${operation}`);
  expect(call?.tags["msa.module"]).toBe(module);
  const server = spans.find((s) => s.spanId === call?.parentId);
  expect(server?.operation).toBe(operation);
  expect(spans.some((s) => s.parentId === call?.spanId && s.tags["db.system"] === storeSystem)).toBe(true);
}

describe(`one request is one trace, gateway → ${monolith ? "monolith → module" : "service"} → store`, () => {
  test("GET /user", async () => {
    const user = await signUpAndLogin();
    const res = await api("GET", "/user", { token: user.token });
    expect(res.status).toBe(200);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans(serviceOf("users"), "postgresql"));
    expectRequestTraceShape(spans, serviceOf("users"), "postgresql");
    expectModuleSpan(spans, "users", "GET /user", "postgresql");
  });

  test("GET /postings", async () => {
    const res = await api("GET", "/postings");
    expect(res.status).toBe(200);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans(serviceOf("postings"), "postgresql"));
    expectRequestTraceShape(spans, serviceOf("postings"), "postgresql");
    expectModuleSpan(spans, "postings", "GET /postings", "postgresql");
    const sql = spans.find((s) => s.tags["db.system"] === "postgresql");
    expect(String(sql?.tags["db.statement"])).toMatch(/select/i);
  });

  test("POST /postings", async () => {
    const user = await signUpAndLogin();
    const res = await api("POST", "/postings", { token: user.token, json: { title: "traced", body: "b" } });
    expect(res.status).toBe(201);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans(serviceOf("postings"), "postgresql"));
    expectRequestTraceShape(spans, serviceOf("postings"), "postgresql");
    expectModuleSpan(spans, "postings", "POST /postings", "postgresql");
  });

  test("GET /notice", async () => {
    await api("POST", "/notice", { token: await adminToken(), json: { title: "t", body: "b" } });
    const res = await api("GET", "/notice");
    expect(res.status).toBe(200);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans(serviceOf("notices"), "redis"));
    expectRequestTraceShape(spans, serviceOf("notices"), "redis");
    expectModuleSpan(spans, "notices", "GET /notice", "redis");
  });

  test("x-trace-id is the trace Jaeger stores, also on gateway-made errors", async () => {
    const res = await api("GET", "/no-such-route");
    expect(res.status).toBe(404);
    expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await waitForTrace(res.traceId as string, (s) => s.some((x) => x.service === "gateway"));
    expect(spans.every((s) => s.service === "gateway")).toBe(true);
  });

  test("DELETE /user: postings' event handling joins the request's trace", async () => {
    const user = await signUpAndLogin("Traced Deleter");
    await api("POST", "/postings", { token: user.token, json: { title: "to be removed", body: "b" } });
    const res = await api("DELETE", "/user", { token: user.token });
    expect(res.status).toBe(204);
    const handled = (s: Span) =>
      monolith ? s.operation === "postings handle user.deleted" : s.service === "postings" && s.tags["db.system"] === "postgresql";
    const spans = await waitForTrace(res.traceId as string, (s) => s.some(handled));
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentId || !ids.has(s.parentId));
    expect(roots.length).toBe(1);
    if (monolith) {
      // In-process, in the writing transaction: postings' handler runs inside users' module call.
      const call = spans.find((s) => s.operation === "users DELETE /user");
      const handler = spans.find(handled);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const ancestors = (span: Span | undefined): string[] => {
        const parent = span?.parentId ? byId.get(span.parentId) : undefined;
        return parent ? [parent.spanId, ...ancestors(parent)] : [];
      };
      expect(ancestors(handler)).toContain(call?.spanId as string);
      // …under the transaction's span: the change and the reaction commit together.
      const tx = byId.get(handler?.parentId as string);
      expect(tx?.tags["db.system"]).toBe("postgresql");
      expect(spans.some((s) => s.parentId === call?.spanId && s.tags["db.system"] === "postgresql")).toBe(true);
      expect(spans.some((s) => s.parentId === handler?.spanId && s.tags["db.system"] === "postgresql")).toBe(true);
    } else {
      expect(spans.some((s) => s.service === "users" && s.tags["db.system"] === "postgresql")).toBe(true);
      expect(spans.some((s) => s.service === "postings" && s.tags["db.system"] === "postgresql")).toBe(true);
    }
  });
});
