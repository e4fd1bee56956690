import { describe, expect, test } from "bun:test";
import { adminToken, api, signUpAndLogin } from "./support/api.ts";
import { expectRequestTraceShape, waitForTrace } from "./support/traces.ts";

const hasStoreSpans = (service: string, system: string) => (spans: { service: string; tags: Record<string, unknown> }[]) =>
  spans.some((s) => s.service === "gateway") && spans.some((s) => s.service === service && s.tags["db.system"] === system);

describe("one request is one trace, gateway → service → store", () => {
  test("GET /user", async () => {
    const user = await signUpAndLogin();
    const res = await api("GET", "/user", { token: user.token });
    expect(res.status).toBe(200);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans("users", "postgresql"));
    expectRequestTraceShape(spans, "users", "postgresql");
  });

  test("GET /postings", async () => {
    const res = await api("GET", "/postings");
    expect(res.status).toBe(200);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans("postings", "postgresql"));
    expectRequestTraceShape(spans, "postings", "postgresql");
    const sql = spans.find((s) => s.tags["db.system"] === "postgresql");
    expect(String(sql?.tags["db.statement"])).toMatch(/select/i);
  });

  test("POST /postings", async () => {
    const user = await signUpAndLogin();
    const res = await api("POST", "/postings", { token: user.token, json: { title: "traced", body: "b" } });
    expect(res.status).toBe(201);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans("postings", "postgresql"));
    expectRequestTraceShape(spans, "postings", "postgresql");
  });

  test("GET /notice", async () => {
    await api("POST", "/notice", { token: await adminToken(), json: { title: "t", body: "b" } });
    const res = await api("GET", "/notice");
    expect(res.status).toBe(200);
    const spans = await waitForTrace(res.traceId as string, hasStoreSpans("notices", "redis"));
    expectRequestTraceShape(spans, "notices", "redis");
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
    const spans = await waitForTrace(res.traceId as string, (s) => s.some((x) => x.service === "postings"));
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentId || !ids.has(s.parentId));
    expect(roots.length).toBe(1);
    expect(spans.some((s) => s.service === "users" && s.tags["db.system"] === "postgresql")).toBe(true);
    expect(spans.some((s) => s.service === "postings" && s.tags["db.system"] === "postgresql")).toBe(true);
  });
});
