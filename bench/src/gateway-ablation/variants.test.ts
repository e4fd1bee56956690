import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderEnvoyConfig } from "@msa-board/gateway";
import { writeEndpointsFile } from "@msa-board/gateway/endpoints";
import { defaultGatewayOptions, SERVICES } from "@msa-board/gateway/options";
import { createToolContext, ensureEnvoy } from "@msa-board/stack/tools";
import { type EnvoyConfig, type Hcm, pickVariants, VARIANTS } from "./variants.ts";

const dir = mkdtempSync(join(tmpdir(), "ablation-variants-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => {
  for (const s of SERVICES) writeEndpointsFile(join(dir, `${s}.eds.json`), s, [{ host: "127.0.0.1", port: 1 }]);
  return renderEnvoyConfig({ ...defaultGatewayOptions(dir), accessLog: { path: join(dir, "access.log") } }) as unknown as EnvoyConfig;
};
const hcmOf = (c: EnvoyConfig) => c.static_resources.listeners[0]?.filter_chains[0]?.filters[0]?.typed_config as Hcm;

test("every variant is a config Envoy accepts (envoy --mode validate)", async () => {
  const envoy = await ensureEnvoy(createToolContext());
  for (const v of VARIANTS) {
    const config = base();
    v.edit?.(config, hcmOf(config));
    const file = join(dir, "variant.json");
    writeFileSync(file, JSON.stringify(config));
    const proc = Bun.spawnSync([envoy, "--mode", "validate", "-c", file, "--log-level", "error"], {
      stdout: "pipe",
      stderr: "pipe",
    });
    expect({
      variant: v.name,
      code: proc.exitCode,
      out: proc.exitCode === 0 ? "" : proc.stderr.toString() + proc.stdout.toString(),
    }).toEqual({
      variant: v.name,
      code: 0,
      out: "",
    });
  }
}, 120_000);

test("stripping variants take away exactly their part; the relay has no HTTP at all", () => {
  const byName = (n: string) => pickVariants(n)[0];
  const strip = (n: string) => {
    const c = base();
    byName(n)?.edit?.(c, hcmOf(c));
    return c;
  };
  expect(hcmOf(strip("without tracing")).tracing).toBeUndefined();
  expect(hcmOf(strip("without tracing")).access_log).toBeDefined();
  expect(hcmOf(strip("router filter only")).http_filters.map((f) => f.name)).toEqual(["envoy.filters.http.router"]);
  const relay = strip("TCP relay");
  expect(relay.static_resources.listeners[0]?.filter_chains[0]?.filters.map((f) => f.name)).toEqual(["envoy.filters.network.tcp_proxy"]);
  expect(byName("worker per core: as configured")?.workers).toBe("per core");
  const bare = strip("bare HTTP proxy (diagnostic)");
  expect(hcmOf(bare).http_filters.map((f) => f.name)).toEqual(["envoy.filters.http.router"]);
  expect(bare.static_resources.clusters.find((c) => c.name === "postings")?.health_checks).toBeUndefined();
  const quiet = strip("spans not exported (diagnostic)");
  expect(hcmOf(quiet).tracing).toBeDefined();
  expect(quiet.static_resources.clusters.find((c) => c.name === "otlp")?.load_assignment?.endpoints).toEqual([]);
});

test("--variants picks by exact name or unique prefix and refuses an ambiguous one", () => {
  expect(pickVariants(undefined)).toBe(VARIANTS);
  expect(pickVariants("as configured,TCP").map((v) => v.name)).toEqual(["as configured", "TCP relay"]);
  expect(() => pickVariants("without")).toThrow(/names 2 variants/);
});
