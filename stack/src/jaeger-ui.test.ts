import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { repoRoot } from "./config.ts";
import { jaegerBannerLine } from "./jaeger-ui.ts";
import { freePort } from "./ports.ts";
import { httpHealth, waitUntil } from "./supervisor/health.ts";
import { createToolContext } from "./tools/context.ts";
import { ensureJaeger } from "./tools/jaeger.ts";

let jaeger: ReturnType<typeof Bun.spawn> | undefined;
let queryPort: number;

beforeAll(async () => {
  const binary = await ensureJaeger(createToolContext());
  const [query, grpc, http, health] = [await freePort(), await freePort(), await freePort(), await freePort()];
  queryPort = query;
  jaeger = Bun.spawn([binary, "--config", join(repoRoot, "observability", "jaeger-memory.yaml")], {
    env: {
      ...process.env,
      JAEGER_QUERY_PORT: String(query),
      OTLP_GRPC_PORT: String(grpc),
      OTLP_HTTP_PORT: String(http),
      JAEGER_HEALTH_PORT: String(health),
      JAEGER_METRICS_PORT: "0",
    },
    stdout: "ignore",
    stderr: "ignore",
  });
  expect(await waitUntil(httpHealth(`http://127.0.0.1:${health}/`), { timeoutMs: 30_000, intervalMs: 100 })).toBe(true);
}, 60_000);

afterAll(async () => {
  jaeger?.kill();
  await jaeger?.exited;
});

test("the start banner does not promise a Jaeger UI the installed Jaeger does not serve", async () => {
  const line = await jaegerBannerLine(queryPort);
  expect(line).toContain(`http://localhost:${queryPort}/api/traces`);
  expect(line).toContain("no Jaeger UI here");
  expect(line).not.toContain("Jaeger UI + HTTP API");
});

test("a Jaeger that is not answering is not announced as having a UI either", async () => {
  expect(await jaegerBannerLine(await freePort())).toContain("no Jaeger UI here");
});
