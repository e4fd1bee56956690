import { expect, test } from "bun:test";
import { join } from "node:path";

test("a gracefully stopped service writes out every queued log line before it exits", async () => {
  // A real child process: SIGTERM → drain → exit, and its standard output read whole.
  const script = `
    import { createLogger } from ${JSON.stringify(join(import.meta.dir, "logger.ts"))};
    import { serveGracefully } from ${JSON.stringify(join(import.meta.dir, "serve.ts"))};
    const logger = createLogger({ service: "child" });
    serveGracefully({ fetch: () => new Response("ok"), hostname: "127.0.0.1", port: 0, logger, closers: [], shutdownTimeoutMs: 5_000 });
    for (let i = 0; i < 100; i++) logger.info("queued", { i });
    process.kill(process.pid, "SIGTERM");
  `;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  expect(code).toBe(0);
  const messages = out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { msg: string; i?: number });
  expect(messages.filter((m) => m.msg === "queued").map((m) => m.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect(messages.at(-1)?.msg).toBe("stopped");
});
