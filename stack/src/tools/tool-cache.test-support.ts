import { afterEach, beforeEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import versions from "../../versions.json";
import type { ToolContext } from "./context.ts";

/**
 * An installer test's own tool cache: a fresh temporary folder per test, and a context that records
 * the install steps it is asked to run (so a test can say a cached tool was not rebuilt).
 */
export function temporaryToolCache(tool: string) {
  const state = { cacheDir: "", steps: [] as string[] };
  beforeEach(() => {
    state.cacheDir = mkdtempSync(join(tmpdir(), `msa-${tool}-tool-`));
    state.steps = [];
  });
  afterEach(() => rmSync(state.cacheDir, { recursive: true, force: true }));
  const context = (): ToolContext => ({
    cacheDir: state.cacheDir,
    versions,
    step: (label, fn) => {
      state.steps.push(label);
      return fn();
    },
  });
  return { state, context };
}
