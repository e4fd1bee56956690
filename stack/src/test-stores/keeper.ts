import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createToolContext } from "../tools/context.ts";
import { NEEDS, parseNeeds, type StoreNeed } from "./needs.ts";
import { isAlive } from "./process-alive.ts";
import { FAILED_MARK, type KeeperState, READY_MARK } from "./protocol.ts";
import { ThrowawayStores } from "./throwaway.ts";

const PARENT_POLL_MS = 250;

/**
 * `test-stores --need postgres,events-redis --parent PID [--state FILE]`:
 * starts throw-away stores, announces their variables on stdout, and keeps them until it is told to
 * stop (SIGTERM/SIGINT/SIGHUP) or the parent process is gone — however that one ended, a crash
 * included. Then it stops the stores and deletes their folder.
 */
export async function runKeeper(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { need: { type: "string" }, parent: { type: "string" }, state: { type: "string" } },
  });
  const needs = parseNeeds(values.need ?? "");
  const parent = Number(values.parent ?? process.ppid);
  // Whoever started us may stop reading our stdout (a watch run re-executes itself); that is no error.
  process.stdout.on("error", () => {});

  let stores: ThrowawayStores | undefined;
  let starting: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await stores?.stop();
      // A stop in the middle of the start (Ctrl-C during an install): let the start give up first,
      // then stop again, so nothing it spawned meanwhile outlives us.
      await starting.catch(() => {});
      await stores?.stop();
      if (stores) rmSync(stores.dir, { recursive: true, force: true });
      if (values.state) rmSync(values.state, { force: true });
    })();
    return stopping;
  };
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    done = resolve;
  });
  // Later signals (a second Ctrl-C) change nothing: the stores must still be stopped.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop().then(() => done(0)));
  const watchParent = setInterval(() => {
    if (!isAlive(parent)) void stop().then(() => done(0));
  }, PARENT_POLL_MS);

  try {
    stores = new ThrowawayStores(mkdtempSync(join(tmpdir(), "msa-board-test-stores-")), createToolContext());
    starting = stores.start(needs);
    const env = (await starting) as Record<string, string>;
    if (values.state)
      writeFileSync(values.state, JSON.stringify({ keeper: process.pid, parent, env } satisfies KeeperState), { mode: 0o600 });
    process.stdout.write(`${READY_MARK}${JSON.stringify(env)}\n`);
  } catch (err) {
    if (!stopping) process.stdout.write(`${FAILED_MARK}${JSON.stringify({ message: failure(needs, err as Error) })}\n`);
    await stop();
    done(1);
  }
  const code = await finished;
  clearInterval(watchParent);
  return code;
}

function failure(needs: StoreNeed[], err: Error): string {
  const what = needs.map((n) => `${NEEDS[n].what} (for ${NEEDS[n].env})`).join(" and ");
  return `could not start a throw-away ${what}: ${err.message}`;
}
