import { fileURLToPath } from "node:url";

const serviceRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A free TCP port on loopback (asks the OS, then releases it). */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port as number;
  server.stop(true);
  return port;
}

/** `bun run src/main.ts` as the stack runs it, with its stdout collected line by line. */
export function startService(env: Record<string, string>) {
  const child = Bun.spawn([process.execPath, "run", "src/main.ts"], {
    cwd: serviceRoot,
    env: { PATH: process.env.PATH ?? "", OTEL_SDK_DISABLED: "true", LOG_LEVEL: "debug", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  let stderr = "";
  const pump = async (stream: ReadableStream<Uint8Array>, onText: (text: string) => void) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) onText(decoder.decode(next.value, { stream: true }));
  };
  let partial = "";
  const stdoutDone = pump(child.stdout, (text) => {
    partial += text;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts.filter(Boolean));
  });
  const stderrDone = pump(child.stderr, (text) => {
    stderr += text;
  });
  return {
    child,
    lines,
    get stderr() {
      return stderr;
    },
    async exited(): Promise<number> {
      const code = await child.exited;
      await Promise.all([stdoutDone, stderrDone]);
      if (partial) lines.push(partial);
      return code;
    },
  };
}

/** Waits until GET /healthz answers 200. */
export async function waitHealthy(baseUrl: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/healthz`).catch(() => null);
    if (res?.status === 200) return;
    await Bun.sleep(50);
  }
  throw new Error(`${baseUrl} did not become healthy within ${timeoutMs} ms`);
}
