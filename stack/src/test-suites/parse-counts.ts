export type Counts = { passed: number; failed: number };

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal colour codes
const ansi = /\x1b\[[0-9;]*m/g;

/**
 * Counts from a runner's own closing lines. A suite that exits non-zero without reporting a
 * failure (a crash, an error between tests, a missing dependency) counts as one failure: a broken
 * suite never looks green.
 */
export function parseCounts(kind: "bun-test" | "deno-test" | "check", rawOutput: string, exitCode: number): Counts {
  const output = rawOutput.replace(ansi, "");
  let passed = 0;
  let failed = 0;
  if (kind === "check") {
    return exitCode === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  }
  if (kind === "bun-test") {
    const pass = [...output.matchAll(/^\s*(\d+) pass\s*$/gm)].at(-1);
    const fail = [...output.matchAll(/^\s*(\d+) fail\s*$/gm)].at(-1);
    const errors = [...output.matchAll(/^\s*(\d+) errors?\s*$/gm)].at(-1);
    passed = Number(pass?.[1] ?? 0);
    failed = Number(fail?.[1] ?? 0) + Number(errors?.[1] ?? 0);
  } else {
    const summary = [...output.matchAll(/(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
    passed = Number(summary?.[1] ?? 0);
    failed = Number(summary?.[2] ?? 0);
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  if (exitCode === 0 && passed === 0 && failed === 0) failed = 1;
  return { passed, failed };
}
