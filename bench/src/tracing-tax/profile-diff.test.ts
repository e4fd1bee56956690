import { expect, test } from "bun:test";
import { type CpuProfile, countSamples, groupOf, renderProfileDiff } from "./profile-diff.ts";

const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 0 });

/** root → a kit tracing frame → a native leaf; root → a postgres.js frame. */
const profile = (tracingSamples: number, sqlSamples: number): CpuProfile => ({
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 4] },
    { id: 2, callFrame: frame("traceRequests", "file:///w/packages/service-kit/src/tracing/http.ts"), children: [3] },
    { id: 3, callFrame: frame("now") },
    { id: 4, callFrame: frame("handle", "file:///w/node_modules/.bun/postgres@3.4.9/node_modules/postgres/src/query.js") },
  ],
  samples: [...Array(tracingSamples).fill(3), ...Array(sqlSamples).fill(4)],
  startTime: 0,
  endTime: 1,
  timeDeltas: [],
});

test("a native leaf counts for the JavaScript that called it, grouped by package", () => {
  const counts = countSamples(profile(3, 2));
  expect(counts.total).toBe(5);
  expect(counts.byGroup.get("kit tracing (server span, SQL spans, propagation)")).toBe(3);
  expect(counts.byGroup.get("postgres.js")).toBe(2);
  expect([...counts.byFunction.keys()]).toContain("now · packages/service-kit/src/tracing/http.ts:1");
});

test("the exporter and the SDK are told apart; a frame without a script is native", () => {
  expect(groupOf("file:///x/node_modules/@opentelemetry/otlp-transformer/build/a.js")).toStartWith("OpenTelemetry export");
  expect(groupOf("file:///x/node_modules/@opentelemetry/sdk-trace/build/Span.js")).toStartWith("OpenTelemetry SDK");
  expect(groupOf("")).toBe("native, outside JavaScript");
});

test("per 1,000 requests, the group that grew most first", () => {
  // Traced: 300 tracing + 200 SQL samples over 1,000 requests; untraced: 0 + 200 over 2,000.
  const text = renderProfileDiff(countSamples(profile(300, 200)), 1000, countSamples(profile(0, 200)), 2000);
  const rows = text.split("\n").filter((l) => l.startsWith("| kit tracing") || l.startsWith("| postgres.js"));
  expect(rows[0]).toBe("| kit tracing (server span, SQL spans, propagation) | 0 | 300 | 300 |");
  expect(rows[1]).toBe("| postgres.js | 100 | 200 | 100 |");
});
