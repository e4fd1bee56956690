/**
 * The container form of the Jaeger config, run by the real Jaeger (the same release the images
 * pin, built for `npm start`): it starts, and with JAEGER_LISTEN_HOST=0.0.0.0 — what the official
 * image sets — every listener is on all interfaces, so other pods and the kubelet reach it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@msa-board/stack/ports";
import { createToolContext, ensureJaeger } from "@msa-board/stack/tools";
import { fromRoot } from "../src/facts.ts";

const JAEGER_BUILD_MS = 15 * 60_000;
let dir: string;
let jaeger: ReturnType<typeof Bun.spawn> | undefined;
let ports: Record<"OTLP_GRPC_PORT" | "OTLP_HTTP_PORT" | "JAEGER_QUERY_PORT" | "JAEGER_HEALTH_PORT" | "JAEGER_METRICS_PORT", number>;
let healthy = false;

beforeAll(async () => {
  const binary = await ensureJaeger(createToolContext());
  dir = mkdtempSync(join(tmpdir(), "msa-jaeger-container-"));
  ports = {
    OTLP_GRPC_PORT: await freePort(),
    OTLP_HTTP_PORT: await freePort(),
    JAEGER_QUERY_PORT: await freePort(),
    JAEGER_HEALTH_PORT: await freePort(),
    JAEGER_METRICS_PORT: await freePort(),
  };
  jaeger = Bun.spawn([binary, "--config", fromRoot("deploy", "k8s", "base", "jaeger", "jaeger.yaml")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", JAEGER_LISTEN_HOST: "0.0.0.0", JAEGER_DATA_DIR: dir, ...stringValues(ports) },
    stdout: "ignore",
    stderr: "ignore",
  });
  for (let i = 0; i < 150 && !healthy; i++) {
    healthy = await fetch(`http://127.0.0.1:${ports.JAEGER_HEALTH_PORT}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (!healthy) await Bun.sleep(200);
  }
}, JAEGER_BUILD_MS);

afterAll(async () => {
  if (jaeger) {
    jaeger.kill("SIGTERM");
    await jaeger.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function stringValues(record: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

/** Ports in LISTEN state on 0.0.0.0 (IPv4) or :: (IPv6), from the kernel's socket tables. */
function listeningOnAllInterfaces(): Set<number> {
  const found = new Set<number>();
  for (const [file, any] of [
    ["/proc/net/tcp", "00000000"],
    ["/proc/net/tcp6", "00000000000000000000000000000000"],
  ] as const) {
    let table = "";
    try {
      table = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of table.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, port] = (local ?? "").split(":");
      if (state === "0A" && address === any && port) found.add(Number.parseInt(port, 16));
    }
  }
  return found;
}

test("the real Jaeger starts with the container config and answers its health check", () => {
  expect(healthy).toBe(true);
});

test("with JAEGER_LISTEN_HOST=0.0.0.0 OTLP, query, health and metrics listen on all interfaces", () => {
  const open = listeningOnAllInterfaces();
  for (const [name, port] of Object.entries(ports)) expect({ [name]: open.has(port) }).toEqual({ [name]: true });
});

test("the query API answers (the UI/API the compose file publishes)", async () => {
  const response = await fetch(`http://127.0.0.1:${ports.JAEGER_QUERY_PORT}/api/services`);
  expect(response.status).toBe(200);
});
