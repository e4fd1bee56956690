/**
 * The Envoy and Jaeger configs (and PostgreSQL's init script) that containers run are the ones the
 * other parts own, and the image pins agree with the native stack's tool versions.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { containerEnvoyConfig, defaultPorts, deployVersions, fromRoot, stackVersions } from "../src/facts.ts";
import { drift, generatedFiles } from "../src/generated.ts";
import { containerJaegerConfig, LISTEN_HOST, listenAddresses } from "../src/jaeger-config.ts";
import { findGenerated } from "./support/k8s.ts";
import { kustomizeBuild } from "./support/render.ts";
import { COLD_INSTALL_MS, deployTools } from "./support/tools.ts";
import type { K8sObject } from "./support/types.ts";

let dev: K8sObject[];
beforeAll(async () => {
  dev = (await kustomizeBuild((await deployTools()).kustomize, "dev")).objects;
}, COLD_INSTALL_MS);

const read = (...path: string[]) => readFileSync(fromRoot(...path), "utf8");
const withoutGeneratedHeader = (text: string) => text.replace(/^# GENERATED from [^\n]*\n/m, "");

describe("generated copies (bun run sync in deploy/)", () => {
  test.each(generatedFiles.map((f) => [f.path, f.source]))("%s matches %s", (path) => {
    expect(drift().filter((d) => d.path === path)).toEqual([]);
  });
});

describe("Envoy", () => {
  test("the ConfigMap's envoy.yaml is the gateway's container config (renderEnvoyConfig(containerGatewayOptions()))", () => {
    const configMap = findGenerated(dev, "ConfigMap", "gateway-envoy");
    const text = configMap.data?.["envoy.yaml"] ?? "";
    expect(text).toBe(read("deploy", "k8s", "base", "gateway", "envoy.yaml"));
    expect(Bun.YAML.parse(withoutGeneratedHeader(text))).toEqual(JSON.parse(JSON.stringify(containerEnvoyConfig())));
  });

  test("gateway/envoy.yaml (what the compose image copies) exists and is the same file", () => {
    expect(existsSync(fromRoot("gateway", "envoy.yaml"))).toBe(true);
    expect(withoutGeneratedHeader(read("deploy", "k8s", "base", "gateway", "envoy.yaml"))).toBe(read("gateway", "envoy.yaml"));
  });

  test("the gateway image is the pinned Envoy the native stack runs, with that file", () => {
    const dockerfile = read("deploy", "docker", "gateway.Dockerfile");
    expect(dockerfile).toContain(`FROM ${deployVersions.images.envoy}\n`);
    expect(deployVersions.images.envoy).toBe(`envoyproxy/envoy:v${stackVersions.envoy}`);
    expect(dockerfile).toMatch(/^COPY .*gateway\/envoy\.yaml \/etc\/envoy\/envoy\.yaml$/m);
  });

  test("the same image carries the monolith shape's config, gateway/envoy.monolith.yaml (containerMonolithGatewayOptions)", () => {
    expect(Bun.YAML.parse(read("gateway", "envoy.monolith.yaml"))).toEqual(JSON.parse(JSON.stringify(containerEnvoyConfig("monolith"))));
    expect(read("deploy", "docker", "gateway.Dockerfile")).toMatch(
      /^COPY .*gateway\/envoy\.monolith\.yaml \/etc\/envoy\/envoy\.monolith\.yaml$/m,
    );
    const ignore = read("deploy", "docker", "gateway.Dockerfile.dockerignore");
    expect(ignore).toMatch(/^!gateway\/envoy\.monolith\.yaml$/m);
  });
});

describe("Jaeger", () => {
  const native = () => read("observability", "jaeger.yaml");
  const container = () => read("deploy", "k8s", "base", "jaeger", "jaeger.yaml");

  test("the ConfigMap holds the container form of observability/jaeger.yaml, nothing else changed", () => {
    const configMap = findGenerated(dev, "ConfigMap", "jaeger-config");
    expect(configMap.data?.["jaeger.yaml"]).toBe(container());
    expect(withoutGeneratedHeader(container())).toBe(containerJaegerConfig(native()));
    // Only listener hosts differ: undo them and the native file comes back.
    const loopback = (text: string) => text.replaceAll(LISTEN_HOST, "127.0.0.1").replaceAll(/(endpoint|host): localhost/g, "$1: 127.0.0.1");
    expect(loopback(withoutGeneratedHeader(container()))).toBe(loopback(native()));
  });

  test("with JAEGER_LISTEN_HOST=0.0.0.0 (the official image's) every listener is reachable from other pods, on the native ports", () => {
    const addresses = listenAddresses(container(), { JAEGER_LISTEN_HOST: "0.0.0.0" });
    expect(addresses.length).toBeGreaterThanOrEqual(5);
    for (const address of addresses) expect(address).toMatch(/^0\.0\.0\.0(:|$)/);
    for (const port of [defaultPorts.otlpGrpc, defaultPorts.otlpHttp, defaultPorts.jaegerQuery, defaultPorts.jaegerHealth]) {
      expect(addresses).toContain(`0.0.0.0:${port}`);
    }
    // Without the variable the file still binds loopback only, like the native one.
    for (const address of listenAddresses(container(), {})) expect(address).toMatch(/^127\.0\.0\.1(:|$)/);
  });

  test("the Jaeger image is the pinned release the native stack builds, with that file", () => {
    const dockerfile = read("deploy", "docker", "jaeger.Dockerfile");
    expect(dockerfile).toContain(`FROM ${deployVersions.images.jaeger}\n`);
    expect(deployVersions.images.jaeger).toBe(`jaegertracing/jaeger:${stackVersions.jaeger.release.replace(/^v/, "")}`);
    expect(dockerfile).toMatch(/^COPY .*deploy\/k8s\/base\/jaeger\/jaeger\.yaml \/etc\/jaeger\/jaeger\.yaml$/m);
    expect(dockerfile).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/m);
  });
});

describe("PostgreSQL", () => {
  test("the dev overlay's init ConfigMap is compose's init script", () => {
    const configMap = findGenerated(dev, "ConfigMap", "postgres-init");
    const script = Object.values(configMap.data ?? {})[0] ?? "";
    expect(withoutGeneratedHeader(script)).toBe(read("deploy", "compose", "postgres-init", "10-service-databases.sh"));
  });

  test("one database and one role per service, each role allowed into its own database only", () => {
    const script = read("deploy", "compose", "postgres-init", "10-service-databases.sh");
    for (const db of ["users", "postings"]) {
      expect(script).toContain(`CREATE DATABASE ${db} OWNER ${db};`);
      expect(script).toContain(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`);
      expect(script).toContain(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${db} TO ${db};`);
    }
    expect(script).toContain("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;");
  });
});

test("every third-party image is pinned to a version, in deploy/versions.json", () => {
  for (const image of Object.values(deployVersions.images)) expect(image).toMatch(/:v?\d[\w.-]*$/);
  for (const file of ["gateway.Dockerfile", "jaeger.Dockerfile"]) {
    for (const [, image] of read("deploy", "docker", file).matchAll(/^FROM (\S+)/gm))
      expect(Object.values(deployVersions.images)).toContain(image as string);
  }
});
