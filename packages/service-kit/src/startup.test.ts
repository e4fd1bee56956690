import { expect, test } from "bun:test";
import { createLogger } from "./logger.ts";
import { waitFor } from "./startup.ts";

const lines: string[] = [];
const logger = createLogger({ service: "test", write: (l) => lines.push(l) });

test("waitFor retries a failing step with backoff and returns once it succeeds, logging once", async () => {
  let calls = 0;
  const delays: number[] = [];
  const result = await waitFor(
    "migrations",
    async () => {
      calls += 1;
      if (calls < 4) throw new Error("connection refused");
      return "done";
    },
    { logger, timeoutMs: 60_000, sleep: async (ms) => void delays.push(ms) },
  );
  expect(result).toBe("done");
  expect(delays).toEqual([250, 500, 1_000]);
  expect(lines.filter((l) => l.includes("migrations failed; retrying"))).toHaveLength(1);
});

test("waitFor gives up with the last error after the timeout", async () => {
  await expect(
    waitFor("ping", async () => Promise.reject(new Error("still down")), { logger, timeoutMs: 0, sleep: async () => {} }),
  ).rejects.toThrow("still down");
});
