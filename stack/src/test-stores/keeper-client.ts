import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { NEEDS, type StoreNeed, UnmetNeedError } from "./needs.ts";
import { isAlive, waitGone } from "./process-alive.ts";
import { FAILED_MARK, type KeeperState, READY_MARK } from "./protocol.ts";

export type Keeper = {
  env: Record<string, string>;
  stop: () => Promise<void>;
  /** Blocks until the stores are gone: for signal handlers, so no test runs on against dying stores. */
  stopNow: () => void;
};

const STOP_TIMEOUT_MS = 30_000;

/** Starts a keeper process for `needs` (stores live as long as this process, at most). */
export async function startKeeper(needs: StoreNeed[], stateFile: string): Promise<Keeper> {
  const child = Bun.spawn(
    [
      process.execPath,
      join(import.meta.dir, "keeper-main.ts"),
      "--need",
      needs.join(","),
      "--parent",
      String(process.pid),
      "--state",
      stateFile,
    ],
    // stderr shared: tool installs show their progress as `npm start` does.
    { stdin: "ignore", stdout: "pipe", stderr: "inherit" },
  );
  const announcement = await firstAnnouncement(child);
  if (!announcement.ok) {
    await child.exited;
    const vars = needs.map((n) => `${NEEDS[n].env}=${NEEDS[n].example}`).join("\n    ");
    throw new UnmetNeedError(
      announcement.message,
      `Fix the cause above, or point the suite at stores you run yourself:\n    ${vars}\n  (\`npm test\` at the repository root starts every store and sets these.)`,
    );
  }
  return { env: announcement.env, stop: () => stopKeeper(child.pid, child), stopNow: () => stopKeeperNow(child.pid) };
}

/** A keeper this same process started before `bun test --watch` re-executed it, if it still runs. */
export function findKeeper(stateFile: string): Keeper | null {
  if (!existsSync(stateFile)) return null;
  try {
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as KeeperState;
    if (state.parent === process.pid && isAlive(state.keeper)) {
      return { env: state.env, stop: () => stopKeeper(state.keeper), stopNow: () => stopKeeperNow(state.keeper) };
    }
  } catch {}
  rmSync(stateFile, { force: true });
  return null;
}

async function stopKeeper(pid: number, child?: Subprocess): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const gone = child
    ? await Promise.race([child.exited.then(() => true), Bun.sleep(STOP_TIMEOUT_MS).then(() => false)])
    : await waitGone(pid, STOP_TIMEOUT_MS);
  if (!gone) process.kill(pid, "SIGKILL");
}

function stopKeeperNow(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) Bun.sleepSync(20);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

type Announcement = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** Reads the keeper's stdout up to its ready/failed line; later output goes on to stderr. */
async function firstAnnouncement(child: Subprocess<"ignore", "pipe", "inherit">): Promise<Announcement> {
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { ok: false, message: "the store keeper ended without saying why (see the output above)" };
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.startsWith(READY_MARK)) {
        void forward(reader, decoder, buffered);
        return { ok: true, env: JSON.parse(line.slice(READY_MARK.length)) };
      }
      if (line.startsWith(FAILED_MARK)) return { ok: false, message: JSON.parse(line.slice(FAILED_MARK.length)).message };
      process.stderr.write(`${line}\n`);
      newline = buffered.indexOf("\n");
    }
  }
}

async function forward(reader: ReadableStreamDefaultReader<Uint8Array>, decoder: TextDecoder, pending: string): Promise<void> {
  if (pending) process.stderr.write(pending);
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read())
      process.stderr.write(decoder.decode(next.value, { stream: true }));
  } catch {}
}
