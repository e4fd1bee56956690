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
    const id = crypto.randomUUID();
    const requests: [string, string, Parameters<typeof h.request>[2]][] = [
      ["GET", "/healthz", {}],
      ["GET", "/notice", {}],
      ["GET", `/notice/${id}`, {}],
      ["POST", "/notice", { token, json: { title: "t", body: "b" } }],
      ["PATCH", `/notice/${id}`, { token, json: { title: "t" } }],
      ["DELETE", `/notice/${id}`, { token }],
    ];
    for (const [method, path, init] of requests) {
      const started = performance.now();
      const res = await h.request(method, path, init);
      // Far below the 2 s command timeout: the client refuses at once instead of queueing.
      assert.ok(performance.now() - started < 1_500, `${method} ${path} waited for Redis`);
      assertProblem(res, 503, "unavailable");
      assert.equal(res.headers.get("retry-after"), "1");
    }
    assert.ok(h.logs.some((l) => l.level === "warn"), "the outage is logged");
    await redis.destroy();
  },
});
