import { describe, expect, test } from "bun:test";
import { type BurstRun, renderBurstSummary } from "./events-summary.ts";

const run = (side: string, round: number, endToEnd: number, postings: number): BurstRun => ({
  side,
  round,
  relayPerSecond: 6_000 + round,
  endToEndPerSecond: endToEnd,
  cpuMsPerEvent: { postings, postgres: 0.3, users: 0.1, jaeger: 0.01 },
  load: "1.00 1.00 1.00",
});

describe("events bench summary", () => {
  test("one row per side in first-run order: median [min–max], the three busiest process trees as columns", () => {
    const table = renderBurstSummary(
      [
        run("before", 1, 800, 0.6),
        run("after", 1, 2_400, 0.2),
        run("after", 2, 2_600, 0.25),
        run("before", 2, 900, 0.7),
        run("before", 3, 850, 0.65),
        run("after", 3, 2_500, 0.22),
      ],
      10_000,
    );
    const lines = table.split("\n");
    expect(lines[0]).toBe("10,000-row bursts, median [min–max] of 3 runs per side:");
    expect(lines[2]).toBe("| side | relay ev/s | end to end ev/s | postings CPU ms/event | postgres CPU ms/event | users CPU ms/event |");
    expect(lines[4]).toBe(
      "| before | 6002 [6001–6003] | 850 [800–900] | 0.650 [0.600–0.700] | 0.300 [0.300–0.300] | 0.100 [0.100–0.100] |",
    );
    expect(lines[5]).toStartWith("| after | 6002 [6001–6003] | 2500 [2400–2600] | 0.220 [0.200–0.250] |");
  });
});
