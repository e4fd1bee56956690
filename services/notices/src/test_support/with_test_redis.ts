/**
 * `deno task test`: Deno's own runner against a real Redis, with nothing else running.
 *
 * TEST_REDIS_URL, when set (`npm test` sets it), is used as it is. Otherwise a throw-away Redis is
 * started for this run by the repository's store keeper — `node stack/launch.mjs test-stores`, from
 * the same tool cache `npm start` uses, installing Redis if missing — and stopped when the run ends,
 * on Ctrl-C, or (by the keeper itself) when this process dies any other way.
 *
 * Usage: deno run --allow-env=TEST_REDIS_URL --allow-run --allow-net with_test_redis.ts <deno args…>
 * runs `deno <deno args…>` (this same Deno) with TEST_REDIS_URL set.
 */

// The keeper's two announcement lines (stack/src/test-stores/protocol.ts; notices imports nothing of the workspace).
const READY_MARK = "msa-board-test-stores:ready ";
const FAILED_MARK = "msa-board-test-stores:failed ";
const LAUNCHER = decodeURIComponent(new URL("../../../../stack/launch.mjs", import.meta.url).pathname);

type Keeper = { env: Record<string, string>; stop: () => Promise<void> };

class UnmetNeed extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
  }
}

async function main(denoArgs: string[]): Promise<number> {
  const given = Deno.env.get("TEST_REDIS_URL");
  let keeper: Keeper | undefined;
  if (given) {
    if (!(await answers(given))) {
      throw new UnmetNeed(
        `TEST_REDIS_URL=${withoutPassword(given)} is set, but nothing answers there`,
        "Start that Redis, or unset TEST_REDIS_URL and the run starts a throw-away one.",
      );
    }
  } else {
    keeper = await startKeeper();
  }
  const suite = new Deno.Command(Deno.execPath(), { args: denoArgs, env: keeper?.env ?? {} }).spawn();
  const onSignal = (code: number) => async () => {
    console.error("\n■ interrupted: stopping the test run and its throw-away Redis");
    try {
      suite.kill("SIGTERM");
    } catch { /* already gone */ }
    await keeper?.stop();
    Deno.exit(code);
  };
  Deno.addSignalListener("SIGINT", onSignal(130));
  Deno.addSignalListener("SIGTERM", onSignal(143));
  try {
    return (await suite.status).code;
  } finally {
    await keeper?.stop();
  }
}

/** The keeper prints one line when its stores are ready (or could not be started); more output goes to stderr. */
async function startKeeper(): Promise<Keeper> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("node", {
      args: [LAUNCHER, "test-stores", "--need", "redis", "--parent", String(Deno.pid)],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
  } catch (err) {
    throw new UnmetNeed(
      `cannot start a throw-away Redis: Node.js runs msa-board's tool bootstrap, and \`node\` did not start (${err})`,
      "Install Node.js 20+, or set TEST_REDIS_URL to a Redis you run (e.g. TEST_REDIS_URL=redis://127.0.0.1:6379).",
    );
  }
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines()).getReader();
  for (let next = await lines.read(); !next.done; next = await lines.read()) {
    const line = next.value;
    if (line.startsWith(READY_MARK)) {
      void forward(lines);
      let stopped: Promise<void> | undefined;
      const stop = () => {
        stopped ??= (async () => {
          try {
            child.kill("SIGTERM");
          } catch { /* already gone */ }
          await child.status;
        })();
        return stopped;
      };
      return { env: JSON.parse(line.slice(READY_MARK.length)), stop };
    }
    if (line.startsWith(FAILED_MARK)) {
      await child.status;
      throw new UnmetNeed(
        JSON.parse(line.slice(FAILED_MARK.length)).message,
        "Fix the cause above, or set TEST_REDIS_URL to a Redis you run (e.g. TEST_REDIS_URL=redis://127.0.0.1:6379);" +
          " `npm test` at the repository root starts one and sets it.",
      );
    }
    console.error(line);
  }
  await child.status;
  throw new UnmetNeed(
    "the store keeper ended without starting Redis (see the output above)",
    "Set TEST_REDIS_URL to a Redis you run.",
  );
}

async function forward(lines: ReadableStreamDefaultReader<string>): Promise<void> {
  try {
    for (let next = await lines.read(); !next.done; next = await lines.read()) console.error(next.value);
  } catch { /* the keeper is gone */ }
}

function splitLines(): TransformStream<string, string> {
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (pending) controller.enqueue(pending);
    },
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const parsed = new URL(url);
    const conn = await Deno.connect({
      hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
      port: Number(parsed.port || 6379),
    });
    conn.close();
    return true;
  } catch {
    return false;
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

try {
  Deno.exit(await main(Deno.args));
} catch (err) {
  const text = err instanceof UnmetNeed
    ? `${err.message}\n  ${err.fix}`
    : String(err instanceof Error ? err.stack : err);
  console.error(`\n✗ services/notices: ${text}\n`);
  Deno.exit(1);
}
