import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONCURRENCY, envoyArgs } from "./command.ts";
import { envoyBinary } from "./test-support/envoy-binary.ts";
import { freePort } from "./test-support/ports.ts";

const dir = mkdtempSync(join(tmpdir(), "gateway-command-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const workerThreads = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).filter((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").startsWith("wrk:worker_")).length;

/** A real Envoy with these flags (an admin listener is all the bootstrap needs), and its worker count once ready. */
async function workersOf(concurrency: number): Promise<number> {
  const admin = await freePort();
  const config = join(dir, `envoy-${concurrency}.json`);
  await Bun.write(config, JSON.stringify({ admin: { address: { socket_address: { address: "127.0.0.1", port_value: admin } } } }));
  const proc = Bun.spawn([envoyBinary(), ...envoyArgs(config, { concurrency })], { stdout: "ignore", stderr: "pipe" });
  try {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`Envoy exited ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
      const ready = await fetch(`http://127.0.0.1:${admin}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return workerThreads(proc.pid);
      await Bun.sleep(50);
    }
    throw new Error("Envoy was not ready within 20 s");
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

test("the flags every gateway runs with: config, no hot restart, its workers, node identity", () => {
  expect(envoyArgs("/etc/envoy/envoy.yaml", { concurrency: DEFAULT_CONCURRENCY })).toEqual([
    "-c",
    "/etc/envoy/envoy.yaml",
    "--disable-hot-restart",
    "--concurrency",
    "1",
    "--log-level",
    "warn",
    "--service-node",
    "gateway",
    "--service-cluster",
    "gateway",
  ]);
  expect(() => envoyArgs("x", { concurrency: 0 })).toThrow(/at least 1/);
  expect(() => envoyArgs("x", { concurrency: 1.5 })).toThrow(/whole number/);
});

test("--concurrency is the number of worker threads the real Envoy runs", async () => {
  expect(await workersOf(1)).toBe(1);
  expect(await workersOf(3)).toBe(3);
}, 60_000);
