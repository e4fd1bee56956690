import { describe, expect, test } from "bun:test";
import { buildSpanTree } from "./span-tree.ts";
import { fixtureTrace } from "./test-support/fixture-trace.ts";
import { renderTrace } from "./waterfall.ts";

const ESC = "\x1b[";

describe("renderTrace", () => {
  const text = renderTrace(buildSpanTree(fixtureTrace()), { barWidth: 20 });
  const lines = text.split("\n");

  test("starts with a summary: trace id, start, duration, spans and services, failures", () => {
    expect(lines.slice(0, 5)).toEqual([
      "Trace 4bf92f3577b34da6a3ce929d0e0e4736",
      "  started   2026-01-02T03:04:05.000Z",
      "  duration  10.00 ms",
      "  spans     5 in 2 services: gateway, postings",
      "  errors    1 span failed",
    ]);
  });

  test("draws one line per span: timing bar, tree, service, operation, duration, key attributes", () => {
    const rows = lines.slice(lines.indexOf("") + 2);
    expect(rows).toEqual([
      "│████████████████████│  gateway ingress POST /postings              10.00 ms  HTTP 201",
      "│  ████████████████  │  └─ postings POST /postings                   8.00 ms  HTTP 201",
      "│    ██████          │     ├─ postings pg.query:INSERT postings      3.00 ms  SQL: INSERT INTO postings (id, title, body, author_id) VALUES ($…",
      "│            █       │     ├─ postings redis XADD                    0.50 ms  redis XADD",
      "│              ███   │     └─ postings publish user.updated          1.50 ms  error: connection refused",
    ]);
  });

  test("plain text unless color is asked for; then failures are red", () => {
    expect(text).not.toContain(ESC);
    const colored = renderTrace(buildSpanTree(fixtureTrace()), { barWidth: 20, color: true });
    const failedLine = colored.split("\n").find((line) => line.includes("publish user.updated"));
    expect(failedLine).toContain(`${ESC}31merror: connection refused${ESC}39m`);
    expect(failedLine).toContain(`${ESC}31mpublish user.updated${ESC}39m`);
  });

  test("warns about a broken trace in the summary and marks the orphaned spans", () => {
    const trace = fixtureTrace();
    trace.spans = trace.spans.filter((s) => s.spanID !== "0000000000000002");
    const broken = renderTrace(buildSpanTree(trace), { barWidth: 20 });
    expect(broken).toContain('⚠ postings "redis XADD" (0000000000000004) has parent 0000000000000002, which is not in the trace');
    expect(broken).toMatch(/postings redis XADD .*redis XADD {2}parent missing/);
  });
});
