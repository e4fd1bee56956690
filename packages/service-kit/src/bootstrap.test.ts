import { expect, test } from "bun:test";
import { join } from "node:path";

// A real entry point in a child process: what an operator sees on a bad and on a good start.
const entry = `
  import { z } from "zod";
  import { bootstrap } from ${JSON.stringify(join(import.meta.dir, "bootstrap.ts"))};
  import { envBoolean, envPort, envUrl, logLevelSchema, parseEnv } from ${JSON.stringify(join(import.meta.dir, "env.ts"))};
  const schema = z.object({
    PORT: envPort(3000),
    OTEL_EXPORTER_OTLP_ENDPOINT: envUrl("http://127.0.0.1:4318"),
    OTEL_SDK_DISABLED: envBoolean(false),
    LOG_LEVEL: logLevelSchema,
  });
  const { config, logger, tracing } = bootstrap("probe", (env) => parseEnv(schema, env));
  logger.info("started", { port: config.PORT });
  await tracing.shutdown();
  process.exit(0);
`;

async function start(env: Record<string, string>) {
  const child = Bun.spawn([process.execPath, "-e", entry], {
    cwd: import.meta.dir,
    env: { PATH: process.env.PATH ?? "", OTEL_SDK_DISABLED: "true", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, code };
}

test("a bad environment is a message naming the service and each bad variable, exit 1, no stack trace", async () => {
  const { stdout, stderr, code } = await start({ PORT: "99999" });
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toStartWith("probe: invalid configuration");
  expect(stderr).toMatch(/^ {2}PORT: /m);
  expect(stderr).not.toContain("    at ");
});

test("a good one: JSON log lines from the service, each with the replica's INSTANCE_NAME", async () => {
  const { stdout, code } = await start({ PORT: "3123", INSTANCE_NAME: "probe-2" });
  expect(code).toBe(0);
  const line = JSON.parse(stdout.trim().split("\n").at(-1) as string);
  expect(line).toMatchObject({ service: "probe", msg: "started", port: 3123, instance: "probe-2" });
});
