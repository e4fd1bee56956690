import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACCESS_LOG_FORMAT } from "./access-log.ts";
import { renderEndpointsFile, writeEndpointsFile } from "./endpoints.ts";
import { renderEnvoyConfig } from "./envoy-config.ts";
import { ensureLocalCertificate, opensslBinary } from "./local-ca.ts";
import { CONTAINER_TLS_DIR, containerGatewayOptions, defaultGatewayOptions, defaultLimits, nativeTls, SERVICES } from "./options.ts";
import { PUBLIC_ROUTES, pathRegex } from "./route-table.ts";
import { validateConfig } from "./test-support/envoy-process.ts";
import { testGatewayOptions, testLimits } from "./test-support/harness.ts";

// The rendered bootstrap, read as data, and checked by the real `envoy --mode validate`.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gateway-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: walking a plain JSON tree
type Json = any;
const config = (): Json => renderEnvoyConfig(defaultGatewayOptions("/var/lib/msa-board/eds"));
const hcm = (c: Json) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const routes = (c: Json): Json[] => hcm(c).route_config.virtual_hosts[0].routes;
const routeNamed = (c: Json, name: string) => routes(c).find((r: Json) => r.name === name);

describe("route table (the contract)", () => {
  test("exactly the public routes of the contract, with their auth", () => {
    const table = PUBLIC_ROUTES.map((r) => `${r.method} ${r.path} ${r.service} ${r.auth}`).sort();
    expect(table).toEqual(
      [
        "POST /users users public",
        "POST /login users public",
        "POST /token/refresh users public",
        "POST /logout users public",
        "GET /user users bearer",
        "PATCH /user users bearer",
        "DELETE /user users bearer",
        "GET /.well-known/jwks.json users public",
        "GET /postings postings public",
        "POST /postings postings bearer",
        "GET /postings/{id} postings public",
        "PATCH /postings/{id} postings bearer",
        "DELETE /postings/{id} postings bearer",
        "GET /notice notices public",
        "POST /notice notices bearer",
        "GET /notice/{id} notices public",
        "PATCH /notice/{id} notices bearer",
        "DELETE /notice/{id} notices bearer",
        "GET / web public",
        "GET /assets/{file} web public",
        "POST /session web public",
        "POST /session/refresh web public",
        "POST /session/logout web public",
        "GET /traces/{traceId} web public",
      ].sort(),
    );
  });

  test("templates become anchored one-segment regexes", () => {
    expect(pathRegex("/postings/{id}")).toBe("^/postings/[^/]+$");
    expect(pathRegex("/.well-known/jwks.json")).toBe("^/\\.well-known/jwks\\.json$");
  });

  test("nothing routes /healthz, /openapi.json, fault control (/faults/…) or a prefix", () => {
    const text = JSON.stringify(routes(config()).map((r: Json) => r.match));
    expect(text).not.toContain("healthz");
    expect(text).not.toContain("openapi");
    expect(text).not.toContain("faults");
    expect(text).not.toContain('"prefix"');
  });

  test("each route carries its JWT switch; the password routes their per-IP limit", () => {
    const c = config();
    for (const r of PUBLIC_ROUTES) {
      const perFilter = routeNamed(c, r.name).typed_per_filter_config;
      const jwt = perFilter["envoy.filters.http.jwt_authn"];
      expect(jwt).toEqual(
        r.auth === "bearer" ? expect.objectContaining({ requirement_name: "bearer" }) : expect.objectContaining({ disabled: true }),
      );
      const perIp = perFilter["envoy.filters.http.local_ratelimit"];
      expect(Boolean(perIp)).toBe(["users.login", "users.sign-up", "web.session.login"].includes(r.name));
    }
  });

  test("only GET/HEAD are retried after the service may have seen them", () => {
    const c = config();
    for (const r of PUBLIC_ROUTES) {
      const policy = routeNamed(c, r.name).route.retry_policy;
      if (r.method === "GET") {
        expect(policy.retry_on).toBe("connect-failure,refused-stream,reset");
        expect(policy.per_try_timeout).toBeDefined();
      } else {
        expect(policy.retry_on).toBe("connect-failure,refused-stream,reset-before-request");
        expect(policy.per_try_timeout).toBeUndefined();
      }
      expect(policy.retry_on).not.toContain("5xx");
    }
  });

  test("password routes get the longer timeout", () => {
    const c = config();
    const limits = defaultLimits();
    expect(routeNamed(c, "users.login").route.timeout).toBe(`${limits.passwordRouteTimeoutMs / 1000}s`);
    expect(routeNamed(c, "postings.list").route.timeout).toBe(`${limits.routeTimeoutMs / 1000}s`);
  });
});

describe("clusters", () => {
  test("every service cluster fails fast, health-checks /healthz and breaks circuits", () => {
    const c = config();
    for (const service of SERVICES) {
      const cluster = c.static_resources.clusters.find((x: Json) => x.name === service);
      expect(cluster.type).toBe("EDS");
      expect(cluster.eds_cluster_config.eds_config.path_config_source).toEqual({
        path: `/var/lib/msa-board/eds/${service}.eds.json`,
        watched_directory: { path: "/var/lib/msa-board/eds" },
      });
      expect(cluster.common_lb_config.healthy_panic_threshold).toEqual({ value: 0 });
      expect(cluster.health_checks[0].http_health_check.path).toBe("/healthz");
      expect(cluster.health_checks[0].no_traffic_interval).toBe(cluster.health_checks[0].interval);
      expect(cluster.outlier_detection.consecutive_gateway_failure).toBeGreaterThan(0);
      expect(cluster.circuit_breakers.thresholds[0].retry_budget).toBeDefined();
      expect(cluster.ignore_health_on_host_removal).toBe(true);
    }
  });

  test("containers resolve services and Jaeger by DNS name", () => {
    const c: Json = renderEnvoyConfig(containerGatewayOptions());
    const byName = Object.fromEntries(c.static_resources.clusters.map((x: Json) => [x.name, x]));
    expect(byName.users.type).toBe("STRICT_DNS");
    expect(byName.users.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({
      address: "users",
      port_value: 3001,
    });
    expect(byName.postings.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(3002);
    expect(byName.notices.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(3003);
    expect(byName.web.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({
      address: "web",
      port_value: 3004,
    });
    expect(byName.otlp.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({
      address: "jaeger",
      port_value: 4317,
    });
  });
});

describe("listener and filters", () => {
  test("the native door is 0.0.0.0:8080, admin stays on loopback", () => {
    const c = config();
    expect(c.static_resources.listeners[0].address.socket_address).toEqual({ address: "0.0.0.0", port_value: 8080 });
    expect(c.admin.address.socket_address).toEqual({ address: "127.0.0.1", port_value: 9901 });
  });

  test("filters in order: headers, CORS, buffer, rate limit, JWT, router", () => {
    expect(hcm(config()).http_filters.map((f: Json) => f.name)).toEqual([
      "envoy.filters.http.header_mutation",
      "envoy.filters.http.cors",
      "envoy.filters.http.buffer",
      "envoy.filters.http.local_ratelimit",
      "envoy.filters.http.jwt_authn",
      "envoy.filters.http.router",
    ]);
  });

  test("tracing: OpenTelemetry as service gateway, flush settings in the runtime layer", () => {
    const c = config();
    const provider = hcm(c).tracing.provider;
    expect(provider.name).toBe("envoy.tracers.opentelemetry");
    expect(provider.typed_config.service_name).toBe("gateway");
    expect(hcm(c).tracing.random_sampling).toEqual({ value: 100 });
    expect(c.layered_runtime.layers[0].static_layer["tracing.opentelemetry.flush_interval_ms"]).toBeNumber();
  });

  test("the access log never names the Authorization header, cookies or the query", () => {
    const format = JSON.stringify(ACCESS_LOG_FORMAT).toUpperCase();
    for (const forbidden of ["AUTHORIZATION", "COOKIE", "REQ(:PATH)", "WQ"]) expect(format).not.toContain(forbidden);
  });

  test("the per-client share of the global limit: one bucket per client address, plus the shared one", () => {
    const filter = hcm(config()).http_filters.find((f: Json) => f.name === "envoy.filters.http.local_ratelimit").typed_config;
    const limits = defaultLimits();
    expect(filter.token_bucket.max_tokens).toBe(limits.global.maxTokens);
    expect(filter.rate_limits).toEqual([{ actions: [{ remote_address: {} }] }]);
    expect(filter.descriptors).toEqual([
      { entries: [{ key: "remote_address" }], token_bucket: expect.objectContaining({ max_tokens: limits.perClientIp.maxTokens }) },
    ]);
    expect(filter.always_consume_default_token_bucket).toBe(true);
    expect(limits.perClientIp.tokensPerFill).toBeLessThan(limits.global.tokensPerFill);
  });

  test("trusted proxy hops: 0 at the edge, N behind a load balancer, nonsense refused", () => {
    expect(hcm(config()).xff_num_trusted_hops).toBe(0);
    expect(hcm(config()).use_remote_address).toBe(true);
    const behindLb: Json = renderEnvoyConfig({ ...defaultGatewayOptions(), trustedProxyHops: 2 });
    expect(hcm(behindLb).xff_num_trusted_hops).toBe(2);
    expect(() => renderEnvoyConfig({ ...defaultGatewayOptions(), trustedProxyHops: -1 })).toThrow(/trustedProxyHops/);
  });

  test("limits that Envoy would reject are refused at render time", () => {
    const bad = { ...defaultLimits(), authPerClientIp: { maxTokens: 5, tokensPerFill: 1, fillIntervalMs: 1_500 } };
    expect(() => renderEnvoyConfig({ ...defaultGatewayOptions(), limits: bad })).toThrow(/multiple/);
  });
});

describe("TLS", () => {
  const listenerNamed = (c: Json, name: string) => c.static_resources.listeners.find((l: Json) => l.name === name);
  const headerFilter = (listener: Json) =>
    listener.filter_chains[0].filters[0].typed_config.http_filters.find((f: Json) => f.name === "envoy.filters.http.header_mutation");
  const hsts = (listener: Json) =>
    headerFilter(listener).typed_config.mutations.response_mutations.find((m: Json) => m.append.header.key === "strict-transport-security");

  test("native with a certificate: the plain door and the HTTPS door, HSTS only on the HTTPS one", () => {
    const c: Json = renderEnvoyConfig({ ...defaultGatewayOptions(), tls: nativeTls("/data/tls", 8443, 600) });
    expect(c.static_resources.listeners.map((l: Json) => [l.name, l.address.socket_address.port_value])).toEqual([
      ["public", 8080],
      ["public_tls", 8443],
    ]);
    const tls = listenerNamed(c, "public_tls").filter_chains[0].transport_socket.typed_config;
    expect(tls.common_tls_context.tls_params.tls_minimum_protocol_version).toBe("TLSv1_2");
    expect(tls.common_tls_context.tls_certificates).toEqual([
      { certificate_chain: { filename: "/data/tls/server.crt" }, private_key: { filename: "/data/tls/server.key" } },
    ]);
    expect(hsts(listenerNamed(c, "public_tls")).append.header.value).toBe("max-age=600");
    expect(hsts(listenerNamed(c, "public"))).toBeUndefined();
    expect(listenerNamed(c, "public").filter_chains[0].transport_socket).toBeUndefined();
  });

  test("containers serve TLS only, with the certificate a Secret mounts, and a year of HSTS", () => {
    const c: Json = renderEnvoyConfig(containerGatewayOptions());
    expect(c.static_resources.listeners.map((l: Json) => l.name)).toEqual(["public_tls"]);
    const listener = listenerNamed(c, "public_tls");
    expect(listener.address.socket_address).toEqual({ address: "0.0.0.0", port_value: 8443 });
    expect(listener.filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificates[0].certificate_chain.filename).toBe(
      `${CONTAINER_TLS_DIR}/tls.crt`,
    );
    expect(hsts(listener).append.header.value).toBe("max-age=31536000");
  });

  test("a gateway with no door at all is refused", () => {
    expect(() => renderEnvoyConfig({ ...defaultGatewayOptions(), listen: null, tls: null })).toThrow(/listener/);
  });
});

describe("EDS files", () => {
  test("a DiscoveryResponse whose version follows its content", () => {
    const a = renderEndpointsFile("postings", [{ host: "127.0.0.1", port: 3002 }]) as Json;
    expect(a.resources[0]["@type"]).toBe("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");
    expect(a.resources[0].cluster_name).toBe("postings");
    expect(renderEndpointsFile("postings", [{ host: "127.0.0.1", port: 3002 }])).toEqual(a);
    const b = renderEndpointsFile("postings", [{ host: "127.0.0.1", port: 3012, draining: true }]) as Json;
    expect(b.version_info).not.toBe(a.version_info);
    expect(b.resources[0].endpoints[0].lb_endpoints[0].health_status).toBe("DRAINING");
  });

  test("written atomically: no temp file is left beside it", async () => {
    const path = join(dir, "eds-atomic", "users.eds.json");
    writeEndpointsFile(path, "users", [{ host: "127.0.0.1", port: 3001 }]);
    writeEndpointsFile(path, "users", [{ host: "127.0.0.1", port: 3011 }]);
    expect(await readdir(join(dir, "eds-atomic"))).toEqual(["users.eds.json"]);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(renderEndpointsFile("users", [{ host: "127.0.0.1", port: 3011 }]));
  });
});

describe("envoy --mode validate accepts", () => {
  const writeEds = async (edsDir: string) => {
    for (const service of SERVICES) writeEndpointsFile(join(edsDir, `${service}.eds.json`), service, []);
  };

  test("the native config", async () => {
    const edsDir = join(dir, "native-eds");
    await writeEds(edsDir);
    const result = await validateConfig(renderEnvoyConfig(defaultGatewayOptions(edsDir)), dir);
    expect(result.output).toContain("OK");
    expect(result.ok).toBe(true);
  });

  test("a test-shaped config (free ports, tiny limits, file access log, no Jaeger)", async () => {
    const options = testGatewayOptions({ listen: 18080, admin: 19901 }, join(dir, "test-shaped"), testLimits());
    await writeEds(join(dir, "test-shaped", "eds"));
    const result = await validateConfig(renderEnvoyConfig(options), dir);
    expect(result.output).toContain("OK");
    expect(result.ok).toBe(true);
  });

  test("the native config with the HTTPS door (a real certificate)", async () => {
    const edsDir = join(dir, "native-tls-eds");
    await writeEds(edsDir);
    const certificate = ensureLocalCertificate({ dir: join(dir, "tls"), openssl: opensslBinary() });
    const result = await validateConfig(renderEnvoyConfig({ ...defaultGatewayOptions(edsDir), tls: nativeTls(certificate.dir) }), dir);
    expect(result.output).toContain("OK");
    expect(result.ok).toBe(true);
  });

  test("the container config (its certificate paths pointed at a real certificate)", async () => {
    const certificate = ensureLocalCertificate({ dir: join(dir, "tls"), openssl: opensslBinary() });
    const text = JSON.stringify(renderEnvoyConfig(containerGatewayOptions()))
      .replaceAll(`${CONTAINER_TLS_DIR}/tls.crt`, certificate.certificateChainPath)
      .replaceAll(`${CONTAINER_TLS_DIR}/tls.key`, certificate.privateKeyPath);
    const result = await validateConfig(JSON.parse(text), dir);
    expect(result.output).toContain("OK");
    expect(result.ok).toBe(true);
  });

  test("and rejects a broken one (the check is real)", async () => {
    const broken: Json = renderEnvoyConfig(containerGatewayOptions());
    broken.static_resources.clusters[0].lb_policy = "NOT_A_POLICY";
    expect((await validateConfig(broken, dir)).ok).toBe(false);
  });
});
