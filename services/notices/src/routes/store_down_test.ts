import assert from "node:assert/strict";
import { createNoticesRedis } from "../notices/redis_client.ts";
import { assertProblem } from "../test_support/assertions.ts";
import { startHarness } from "../test_support/harness.ts";

/** A client for a port where nothing listens: Redis is "down" from the start. */
async function unreachableRedis() {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const redis = createNoticesRedis(`redis://127.0.0.1:${port}`);
  redis.on("error", () => {});
  void redis.connect().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  return redis;
}

Deno.test({
  name: "Redis down: /healthz and every store-backed route answer 503 problems, quickly",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const redis = await unreachableRedis();
    await using h = await startHarness({ redis });
    const token = await h.adminToken();
    const started = performance.now();
    assertProblem(await h.request("GET", "/healthz"), 503, "unavailable");
    assertProblem(await h.request("GET", "/notice"), 503, "unavailable");
    assertProblem(await h.request("GET", `/notice/${crypto.randomUUID()}`), 503, "unavailable");
    assertProblem(await h.request("POST", "/notice", { token, json: { title: "t", body: "b" } }), 503, "unavailable");
    assertProblem(
      await h.request("PATCH", `/notice/${crypto.randomUUID()}`, { token, json: { title: "t" } }),
      503,
      "unavailable",
    );
    assertProblem(await h.request("DELETE", `/notice/${crypto.randomUUID()}`, { token }), 503, "unavailable");
    assert.ok(performance.now() - started < 1_000, "no request waits for Redis to come back");
    assert.ok(h.logs.some((l) => l.level === "warn"), "the outage is logged");
    await redis.destroy();
  },
});
