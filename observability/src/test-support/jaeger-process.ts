import { createServer } from "node:net";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const OBSERVABILITY_DIR = join(import.meta.dir, "..", "..");

export type RunningJaeger = {
  queryUrl: string;
  otlpHttpUrl: string;
  healthUrl: string;
  /** What Jaeger printed so far, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
};

/** The Jaeger binary the tests run: $JAEGER_BIN, else `jaeger` on PATH; never a silent skip. */
export function jaegerBinary(env: Record<string, string | undefined> = process.env): string {
  const binary = env.JAEGER_BIN || Bun.which("jaeger");
  if (!binary) {
    throw new Error(
      "No Jaeger binary: these tests run the real Jaeger. Run `npm test` at the repository root (it builds Jaeger into " +
        "~/.cache/msa-board/jaeger/<version>/jaeger and sets JAEGER_BIN), or set JAEGER_BIN=/path/to/jaeger.",
    );
  }
  return binary;
}

/** A port nobody listens on right now (the OS picks it; Jaeger binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts Jaeger with one of observability/'s configs on free ports and waits until it is healthy. */
export async function startJaeger({
  config = "jaeger-memory.yaml",
  timeoutMs = 30_000,
  extraEnv = {} as Record<string, string>,
} = {}): Promise<RunningJaeger> {
  const binary = jaegerBinary();
  const [query, grpc, http, health] = [await freePort(), await freePort(), await freePort(), await freePort()];
  let output = "";
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([binary, "--config", join(OBSERVABILITY_DIR, config)], {
    env: {
      ...process.env,
      JAEGER_QUERY_PORT: String(query),
      OTLP_GRPC_PORT: String(grpc),
      OTLP_HTTP_PORT: String(http),
      JAEGER_HEALTH_PORT: String(health),
      // 0: any free port; these tests never read Jaeger's own metrics.
      JAEGER_METRICS_PORT: "0",
      ...extraEnv,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      const reader = stream.getReader();
      const decoder = new TextDecoder();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        output += decoder.decode(chunk.value, { stream: true });
    })();
  }
  const running: RunningJaeger = {
    queryUrl: `http://127.0.0.1:${query}`,
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    healthUrl: `http://127.0.0.1:${health}/`,
    output: () => output,
    stop: async () => {
      proc.kill("SIGTERM");
      const stopped = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!stopped) proc.kill("SIGKILL");
    },
  };
  await waitUntilHealthy(running, proc, timeoutMs);
  return running;
}

async function waitUntilHealthy(jaeger: RunningJaeger, proc: Subprocess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`Jaeger exited with ${proc.exitCode} while starting:\n${jaeger.output()}`);
    try {
      if ((await fetch(jaeger.healthUrl, { signal: AbortSignal.timeout(1_000) })).status === 200) return;
    } catch {}
    await Bun.sleep(100);
  }
  await jaeger.stop();
  throw new Error(`Jaeger was not healthy at ${jaeger.healthUrl} after ${timeoutMs} ms:\n${jaeger.output()}`);
}
