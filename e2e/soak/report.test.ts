import { expect, test } from "bun:test";
import type { Sample } from "./invariants.ts";
import { type ExecutedFault, faultOutcomes, renderMarkdown } from "./report.ts";

const at = (startedAt: number, status: number, route = "GET /postings"): Sample => ({
  route,
  group: "postings",
  status,
  problem: status >= 500,
  startedAt,
  endedAt: startedAt + 10,
});
const executed = (index: number, startedAt: number, endedAt: number): ExecutedFault => ({
  planned: {
    index,
    atMs: startedAt,
    durationMs: endedAt - startedAt,
    label: `fault ${index}`,
    fault: { kind: "kill", target: "postings" },
  },
  startedAt,
  endedAt,
});

test("availability while held, and recovery up to the last failure before the next fault", () => {
  const samples = [at(1_000, 200), at(1_100, 503), at(1_200, 200, "GET /notice"), at(2_500, 503), at(3_000, 200), at(5_100, 503)];
  const [first, second] = faultOutcomes(samples, [executed(0, 1_000, 2_000), executed(1, 5_000, 6_000)], 0, 9_000);
  expect(first?.availability).toEqual({ "GET /postings": { ok: 1, total: 2 }, "GET /notice": { ok: 1, total: 1 } });
  expect(first?.recoveredAfterMs).toBe(510);
  expect(second?.recoveredAfterMs).toBe(0);
  expect(first?.offsetS).toBe(1);
});

test("the Markdown names the routes that failed and every violation", () => {
  const faults = faultOutcomes([at(1_100, 503)], [executed(0, 1_000, 2_000)], 0, 3_000);
  const markdown = renderMarkdown({
    seed: 1,
    minutes: 1,
    startedAt: "2026-01-01T00:00:00.000Z",
    requests: 1,
    acknowledged: { users: 0, postings: 0 },
    faults,
    violations: [{ invariant: "no 5xx but 503/504", detail: "GET /postings at …: 500" }],
    passed: false,
  });
  expect(markdown).toContain("| 0 | 1 | fault 0 | 1 | GET /postings 0/1; others 100 % | 0.0 s |");
  expect(markdown).toContain("| no 5xx but 503/504 | 1 | GET /postings at …: 500 |");
});
