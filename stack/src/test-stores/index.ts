import { afterAll } from "bun:test";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provideBinary } from "./binaries.ts";
import { whyUnusable } from "./given-stores.ts";
import { findKeeper, type Keeper, startKeeper } from "./keeper-client.ts";
import { isBinaryNeed, isStoreNeed, NEEDS, type Need, type StoreNeed, UnmetNeedError } from "./needs.ts";

export type { Need } from "./needs.ts";

/**
 * For a part's `bunfig.toml` `[test] preload`: before the first test file loads, every store and
 * tool the part's suite needs is there, so `bun test` in that folder works with nothing else running.
 *
 * - A variable that is set (`npm test` sets them all) is used as it is, once checked to answer.
 * - A missing store is started throw-away by a keeper process (see keeper.ts) on free ports, and
 *   stopped when the run ends, on Ctrl-C, or when this process dies any other way; under
 *   `bun test --watch` it is started once and kept across reruns.
 * - A missing tool binary comes from the cache `npm start` fills, installed now if needed.
 *
 * Anything that cannot be provided fails the run once, before any test, naming what is missing and
 * how to fix it.
 */
export async function provideTestStores(part: string, needs: Need[]): Promise<void> {
  try {
    for (const need of needs.filter(isBinaryNeed)) await provideBinary(need);
    const missing: StoreNeed[] = [];
    for (const need of needs.filter(isStoreNeed)) {
      const { env, what } = NEEDS[need];
      const given = process.env[env];
      const problem = given ? await whyUnusable(need, given) : null;
      if (!given) missing.push(need);
      else if (problem) {
        throw new UnmetNeedError(
          `${env}=${withoutPassword(given)} is set, but that ${what} cannot be used: ${problem}`,
          `Fix it, or unset ${env} and the run starts a throw-away one.`,
        );
      }
    }
    if (missing.length > 0) Object.assign(process.env, (await keeperFor(missing)).env);
  } catch (err) {
    failRun(part, err);
  }
}

async function keeperFor(needs: StoreNeed[]): Promise<Keeper> {
  const stateFile = join(tmpdir(), `msa-board-test-stores.${process.pid}.json`);
  const watching = inWatchMode();
  const keeper = (watching ? findKeeper(stateFile) : null) ?? (await startKeeper(needs, stateFile));
  // Ctrl-C and kill: stop the stores, then exit — blocking, so no test goes on failing against
  // stores that are going away. Ctrl-C often arrives twice (the terminal's, and npm's launcher
  // passing it on): once is enough.
  let interrupted = false;
  const stopThenExit = (code: number) => () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write("\n■ interrupted: stopping the throw-away stores\n");
    keeper.stopNow();
    process.exit(code);
  };
  process.on("SIGINT", stopThenExit(130));
  process.on("SIGTERM", stopThenExit(143));
  process.on("SIGHUP", stopThenExit(129));
  // A watch run keeps its stores for the next rerun; everything else stops them after the last test.
  if (!watching) afterAll(() => keeper.stop());
  return keeper;
}

/** `bun test --watch` re-executes itself on every change (same pid, fresh runtime). */
function inWatchMode(): boolean {
  try {
    return readFileSync("/proc/self/cmdline", "utf8").split("\0").includes("--watch");
  } catch {
    return false; // no /proc: stores restart on every rerun, which is slower but correct
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}

function failRun(part: string, err: unknown): never {
  const text = err instanceof UnmetNeedError ? `${err.message}\n  ${err.fix}` : String((err as Error)?.stack ?? err);
  process.stderr.write(`\n✗ ${part}: ${text}\n\n`);
  process.exit(1);
}
