import { afterAll, expect, test } from "bun:test";
import { bunFetchRun } from "./bun-fetch-run.ts";
import { recordingServer } from "./test-server.ts";

const server = recordingServer();
afterAll(() => server.stop());

test("the Bun fetch generator runs as a child and reports its result and its own CPU", async () => {
  server.seen.length = 0;
  const run = await bunFetchRun(`${server.url}/ok`, { rate: 50 }, 1);
  expect(run.sent).toBe(50);
  expect(run.ok).toBe(50);
  expect(server.seen).toHaveLength(50);
  // At least Bun's own start-up, which is tens of milliseconds.
  expect(run.generatorCpuS).toBeGreaterThan(0.01);
});
