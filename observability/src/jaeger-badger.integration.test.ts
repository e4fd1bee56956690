import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJaegerClient } from "./jaeger-client.ts";
import { type RunningJaeger, startJaeger } from "./test-support/jaeger-process.ts";
import { sendTwoServiceTrace } from "./test-support/send-test-trace.ts";

const dataDir = mkdtempSync(join(tmpdir(), "msa-jaeger-badger-"));
let jaeger: RunningJaeger | undefined;

afterAll(async () => {
  await jaeger?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("jaeger.yaml keeps traces in Badger under JAEGER_DATA_DIR across a restart", async () => {
  const persistent = { config: "jaeger.yaml", extraEnv: { JAEGER_DATA_DIR: dataDir } };
  jaeger = await startJaeger(persistent);
  const sent = await sendTwoServiceTrace(jaeger.otlpHttpUrl, { frontend: "badger-frontend", backend: "badger-backend" });
  await createJaegerClient(jaeger.queryUrl).waitForTrace(sent.traceId, { minSpans: sent.spanCount });
  await jaeger.stop();
  expect(existsSync(join(dataDir, "keys", "MANIFEST"))).toBe(true);
  expect(existsSync(join(dataDir, "values"))).toBe(true);

  jaeger = await startJaeger(persistent);
  const again = await createJaegerClient(jaeger.queryUrl).getTrace(sent.traceId);
  expect(again?.spans).toHaveLength(sent.spanCount);
});
