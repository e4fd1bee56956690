import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@msa-board/service-kit/logger";
import { SpanKind } from "@opentelemetry/api";
import { createTestEventsRedis } from "../test-support/events-redis.ts";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { spanExporter } from "../test-support/tracing.ts";
import { OutboxRelay } from "./outbox-relay.ts";

let h: Harness;
let redis: Awaited<ReturnType<typeof createTestEventsRedis>>;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_traces" });
  redis = await createTestEventsRedis();
});
afterAll(async () => {
  await redis?.close();
  await h?.close();
});

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const GATEWAY_SPAN = "00f067aa0ba902b7";

describe("traces", () => {
  test("a request is one trace: server span under the caller's, SQL spans under it, and the event's publish joins it", async () => {
    const user = await h.signUp();
    spanExporter.reset();
    const res = await h.call("PATCH", "/user", {
      token: user.token,
      json: { name: "Traced" },
      headers: { traceparent: `00-${TRACE_ID}-${GATEWAY_SPAN}-01` },
    });
    expect(res.status).toBe(200);

    const spans = spanExporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
    const server = spans.find((s) => s.name === "PATCH /user");
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.parentSpanContext?.spanId).toBe(GATEWAY_SPAN);
    const sql = spans.filter((s) => s.attributes["db.system"] === "postgresql");
    expect(sql.map((s) => s.name)).toEqual(expect.arrayContaining(["transaction", "UPDATE users", "INSERT outbox"]));
    expect(JSON.stringify(sql.map((s) => s.attributes))).not.toContain("Traced"); // no parameters

    const [row] = await h.outboxRows();
    expect(row?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    const eventParent = row?.traceparent?.split("-")[2];
    expect(spans.some((s) => s.spanContext().spanId === eventParent)).toBe(true);

    spanExporter.reset();
    const stream = redis.stream("traces");
    const relay = new OutboxRelay({ db: h.db, redis: redis.admin, stream, logger: createLogger({ service: "users", write: () => {} }) });
    expect(await relay.publishPending()).toBe(1);
    const relaySpans = spanExporter.getFinishedSpans();
    const publish = relaySpans.find((s) => s.name === "events publish user.updated");
    expect(publish?.kind).toBe(SpanKind.PRODUCER);
    expect(publish?.spanContext().traceId).toBe(TRACE_ID);
    expect(publish?.parentSpanContext?.spanId).toBe(eventParent);
    expect(publish?.attributes["messaging.destination.name"]).toBe(stream);
    const children = relaySpans.filter((s) => s.parentSpanContext?.spanId === publish?.spanContext().spanId);
    // The marking is one UPDATE for the whole batch, in the relay's own (untraced) work.
    expect(children.map((s) => s.name)).toEqual(["XADD"]);
    const xadd = children.find((s) => s.name === "XADD");
    expect(xadd?.attributes).toMatchObject({ "db.system": "redis", "db.operation": "XADD", "db.statement": "XADD" });
    // The relay's own polling (claiming rows) is not traced: every span it made belongs to the request's trace.
    expect(relaySpans.every((s) => s.spanContext().traceId === TRACE_ID)).toBe(true);
    expect((await redis.entries(stream))[0]?.envelope.traceparent).toBe(row?.traceparent);
  });

  test("log lines written during a request carry its trace id", async () => {
    const before = h.logs.length;
    await h.call("POST", "/login", {
      json: { email: "nobody@example.com", password: "wrong-password" },
      headers: { traceparent: `00-${TRACE_ID}-${GATEWAY_SPAN}-01` },
    });
    const line = h.logs
      .slice(before)
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === "login refused");
    expect(line?.traceId).toBe(TRACE_ID);
    expect(line?.service).toBe("users");
  });
});

describe("operations endpoints", () => {
  test("/healthz and /metrics make no spans at all (probes would bury real traces)", async () => {
    spanExporter.reset();
    expect((await h.call("GET", "/healthz")).status).toBe(200);
    expect((await h.call("GET", "/metrics")).status).toBe(200);
    expect(spanExporter.getFinishedSpans()).toEqual([]);
    await h.call("GET", "/.well-known/jwks.json");
    expect(spanExporter.getFinishedSpans().map((s) => s.name)).toContain("GET /.well-known/jwks.json");
  });
});
