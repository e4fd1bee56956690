import { homedir } from "node:os";
import { join, resolve } from "node:path";
import versionsFile from "../../versions.json";

export type Versions = typeof versionsFile;

/** What every tool installer gets: where to cache, which versions, and how to report a long step. */
export type ToolContext = {
  cacheDir: string;
  versions: Versions;
  step: <T>(label: string, fn: () => Promise<T>) => Promise<T>;
};

/** Thrown when a tool cannot be installed here; the message says what to install by hand. */
export class MissingToolError extends Error {
  override name = "MissingToolError";
}

export function cacheDir(): string {
  return resolve(process.env.MSA_BOARD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "msa-board"));
}

export function createToolContext(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): ToolContext {
  return {
    cacheDir: cacheDir(),
    versions: versionsFile,
    step: async (label, fn) => {
      const started = performance.now();
      log(`▸ ${label}…`);
      const ticker = setInterval(() => log(`  … ${label} (${((performance.now() - started) / 1000).toFixed(0)}s)`), 15_000);
      try {
        const result = await fn();
        log(`✓ ${label} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
        return result;
      } finally {
        clearInterval(ticker);
      }
    },
  };
}
