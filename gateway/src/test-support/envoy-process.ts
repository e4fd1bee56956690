import { join } from "node:path";
import { envoyBinary } from "./envoy-binary.ts";

/** Runs the real Envoy binary: `--mode validate` checks, and a managed process for integration tests. */

export interface ValidationResult {
  ok: boolean;
  output: string;
}

/** `envoy --mode validate`: parses the config and builds every object without opening sockets. */
export const validateConfig = async (config: object, dir: string): Promise<ValidationResult> => {
  const path = join(dir, `validate-${crypto.randomUUID()}.json`);
  await Bun.write(path, JSON.stringify(config));
  const proc = Bun.spawn([envoyBinary(), "--mode", "validate", "-c", path, "--log-level", "warn"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { ok: code === 0, output: stdout + stderr };
};

export interface EnvoyProcess {
  adminUrl: string;
  /** Everything Envoy wrote to stdout (access log when set to stdout) and stderr so far. */
  output(): Promise<string>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const startEnvoy = async (options: {
  config: object;
  adminPort: number;
  dir: string;
  readyTimeoutMs?: number;
}): Promise<EnvoyProcess> => {
  const configPath = join(options.dir, "envoy.json");
  const outputPath = join(options.dir, "envoy.out.log");
  await Bun.write(configPath, JSON.stringify(options.config, null, 2));
  const proc = Bun.spawn(
    [
      envoyBinary(),
      "-c",
      configPath,
      // Several Envoys may run on this machine (other suites): no shared-memory hot restart.
      "--disable-hot-restart",
      // Two cores shared with everything else; one worker is plenty for tests.
      "--concurrency",
      "1",
      "--log-level",
      "warn",
      // File access logs are flushed every 10 s by default; tests read them right away.
      "--file-flush-interval-msec",
      "100",
    ],
    { stdout: Bun.file(outputPath), stderr: Bun.file(join(options.dir, "envoy.err.log")) },
  );
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  const output = async () =>
    (await Bun.file(outputPath)
      .text()
      .catch(() => "")) +
    (await Bun.file(join(options.dir, "envoy.err.log"))
      .text()
      .catch(() => ""));
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!exited) proc.kill("SIGKILL");
    await proc.exited;
  };

  // Ready = listeners open, which Envoy only does after every cluster's first health-check round
  // and the first JWKS fetch.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`Envoy exited with code ${proc.exitCode} before it was ready:\n${await output()}`);
    }
    const ready = await fetch(`${adminUrl}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { adminUrl, output, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`Envoy was not ready within ${options.readyTimeoutMs ?? 20_000} ms:\n${await output()}`);
};
