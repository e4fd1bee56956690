import { afterAll, describe, expect, test } from "bun:test";
import { constantRate, percentile, saturate } from "./load-generator.ts";

const slowAfter = { at: Number.POSITIVE_INFINITY };
let served = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async () => {
    served++;
    if (served > slowAfter.at) await Bun.sleep(50);
    return new Response("ok");
  },
});
afterAll(() => server.stop(true));
const url = `http://127.0.0.1:${server.port}/`;

describe("load generator", () => {
  test("percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
  });

  test("constant rate sends the scheduled number of requests at about the rate", async () => {
    served = 0;
    const result = await constantRate("t", () => ({ url }), { rate: 200, durationS: 1, warmupS: 0.25 });
    expect(result.sent).toBe(200);
    expect(result.errors).toBe(0);
    expect(result.throughput).toBeGreaterThan(150);
    expect(result.throughput).toBeLessThan(250);
  });

  test("latency counts from the intended send time, so a stalled server shows queueing", async () => {
    served = 0;
    slowAfter.at = 0;
    const result = await constantRate("slow", () => ({ url }), { rate: 40, durationS: 0.5, warmupS: 0, maxInFlight: 1 });
    slowAfter.at = Number.POSITIVE_INFINITY;
    // One at a time at 50 ms each cannot keep 40/s: later requests wait, and that wait is measured.
    expect(result.p99Ms).toBeGreaterThan(300);
  });

  test("saturation measures closed-loop throughput", async () => {
    const result = await saturate("sat", () => ({ url }), { connections: 4, durationS: 0.5, warmupS: 0.1 });
    expect(result.ok).toBeGreaterThan(50);
    expect(result.errors).toBe(0);
  });
});
