import { expect, test } from "bun:test";
import { join } from "node:path";
import { stack } from "../src/support/stack.ts";
import { controlOf, writeReport } from "./main.ts";
import { renderMarkdown } from "./report.ts";
import { runSoak } from "./run.ts";

/**
 * `npm test`'s short soak: a fixed seed, so every run injects the same faults in the same order,
 * against the test stack (last suite: it kills parts of it). `npm run chaos` runs long ones.
 */
const SEED = 20261129;
const MINUTES = 2;

test(`${MINUTES}-minute fault soak, seed ${SEED}: every invariant holds`, async () => {
  const report = await runSoak({ stack, control: controlOf(stack), minutes: MINUTES, seed: SEED, log: (line) => console.log(line) });
  console.log(renderMarkdown(report));
  console.log(`report: ${writeReport(report, join(stack.dataDir, "soak"))}.md`);
  expect(report.faults.length).toBeGreaterThan(4);
  expect(report.violations).toEqual([]);
}, 300_000);
