import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Subprocess } from "bun";
import type { Need } from "../test-stores/needs.ts";

/** What the fixture's test saw of the stores it was given, one line per run. */
export type FixtureReport = { url: string; redisDir: string; keeper: number | null; run: number };

const provideModule = join(import.meta.dir, "..", "test-stores", "index.ts");

/** The fixture's one test: the Redis it was given answers; it reports it, and may then hold the run open. */
const fixtureTest = `
import { expect, test } from "bun:test";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ask = (url, command) => new Promise((resolve, reject) => {
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  let reply = "";
  socket.on("data", (d) => { reply += d; if (reply.endsWith("\\r\\n") && (command === "PING" || reply.split("\\r\\n").length > 5)) { socket.end(); resolve(reply); } });
  socket.on("error", reject);
  socket.write(command + "\\r\\n");
});

test("the Redis it was given answers", async () => {
  const url = new URL(process.env.TEST_REDIS_URL);
  expect(await ask(url, "PING")).toBe("+PONG\\r\\n");
  const redisDir = (await ask(url, "CONFIG GET dir")).split("\\r\\n")[4];
  const state = join(tmpdir(), "msa-board-test-stores." + process.pid + ".json");
  const keeper = existsSync(state) ? JSON.parse(readFileSync(state, "utf8")).keeper : null;
  const run = readFileSync(process.env.FIXTURE_REPORT, "utf8").split("\\n").filter(Boolean).length + 1;
  appendFileSync(process.env.FIXTURE_REPORT, JSON.stringify({ url: url.toString(), redisDir, keeper, run }) + "\\n");
  if (process.env.FIXTURE_HOLD) await new Promise(() => {});
}, { timeout: 600_000 });
`;

/**
 * A tiny Bun part in a temporary folder whose bunfig preload asks for `needs` exactly as the real
 * parts do, so the preload's whole life (start, reuse, stop, failure) can be watched from outside.
 */
export function createStoreFixture(needs: Need[]) {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-store-fixture-"));
  const reportFile = join(dir, "report.jsonl");
  writeFileSync(reportFile, "");
  writeFileSync(join(dir, "bunfig.toml"), '[test]\npreload = ["./preload.ts"]\n');
  writeFileSync(
    join(dir, "preload.ts"),
    `import { provideTestStores } from ${JSON.stringify(provideModule)};\nawait provideTestStores("fixture", ${JSON.stringify(needs)});\n`,
  );
  writeFileSync(join(dir, "stores.test.ts"), fixtureTest);

  /** `bun test [args]` in the fixture, with no TEST_* variable unless given in `env`. */
  function run(args: string[] = [], env: Record<string, string> = {}) {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TEST_")));
    let output = "";
    const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([process.execPath, "test", ...args], {
      cwd: dir,
      env: { ...base, NO_COLOR: "1", FIXTURE_REPORT: reportFile, ...env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    for (const stream of [proc.stdout, proc.stderr]) {
      void (async () => {
        const decoder = new TextDecoder();
        const reader = stream.getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) output += decoder.decode(next.value, { stream: true });
      })();
    }
    return { proc, output: () => output };
  }

  const reports = (): FixtureReport[] =>
    readFileSync(reportFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));

  return {
    dir,
    run,
    reports,
    /** Waits until the fixture's test has reported `count` runs. */
    async reported(count: number, timeoutMs = 60_000): Promise<FixtureReport[]> {
      const deadline = Date.now() + timeoutMs;
      while (reports().length < count) {
        if (Date.now() > deadline) throw new Error(`the fixture reported ${reports().length} of ${count} runs in ${timeoutMs} ms`);
        await Bun.sleep(25);
      }
      return reports();
    },
    /** A change `bun test --watch` reacts to. */
    touch: () => appendFileSync(join(dir, "stores.test.ts"), "\n// changed\n"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether the stores of a report are all gone: port closed, keeper exited, folder deleted. */
export async function storesGone(report: FixtureReport): Promise<{ port: boolean; keeper: boolean; folder: boolean }> {
  const { isAlive } = await import("../test-stores/process-alive.ts");
  const port = await new Promise<boolean>((resolve) => {
    Bun.connect({
      hostname: "127.0.0.1",
      port: Number(new URL(report.url).port),
      socket: {
        open: (socket) => {
          socket.end();
          resolve(false);
        },
        data: () => {},
        connectError: () => resolve(true),
      },
    }).catch(() => resolve(true));
  });
  return { port, keeper: report.keeper === null || !isAlive(report.keeper), folder: !existsSync(dirname(report.redisDir)) };
}
