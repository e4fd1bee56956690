import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Endpoint, writeEndpointsFile } from "../endpoints.ts";
import { renderEnvoyConfig } from "../envoy-config.ts";
import { ensureLocalCertificate, opensslBinary } from "../local-ca.ts";
import {
  defaultGatewayOptions,
  defaultLimits,
  type GatewayOptions,
  type HostPort,
  type Limits,
  SERVICES,
  type ServiceName,
} from "../options.ts";
import { type EnvoyProcess, startEnvoy } from "./envoy-process.ts";
import { freePort } from "./ports.ts";
import { type Stub, startStub } from "./stubs.ts";
import { createTokenKit, type TokenKit } from "./tokens.ts";

/**
 * A real Envoy, rendered by `renderEnvoyConfig`, in front of stub services — all on 127.0.0.1 and
 * free ports, with small limits and fast health checks so a suite takes seconds.
 */

export const ISSUER = "msa-board";
export const AUDIENCE = "msa-board";

export const testLimits = (overrides: Partial<Limits> = {}): Limits => ({
  ...defaultLimits(),
  maxRequestBodyBytes: 1024,
  routeTimeoutMs: 1_000,
  passwordRouteTimeoutMs: 1_500,
  perTryTimeoutMs: 400,
  upstreamConnectTimeoutMs: 250,
  healthCheck: { intervalMs: 200, timeoutMs: 150, unhealthyThreshold: 2, healthyThreshold: 1 },
  outlierDetection: { consecutiveGatewayFailures: 3, intervalMs: 500, baseEjectionTimeMs: 1_000 },
  ...overrides,
});

/** A test-shaped config: loopback, free ports, EDS files in `dir`, access log to a file. */
export const testGatewayOptions = (ports: { listen: number; admin: number }, dir: string, limits = testLimits()): GatewayOptions => ({
  ...defaultGatewayOptions(join(dir, "eds")),
  listen: { address: "127.0.0.1", port: ports.listen },
  tls: null,
  trustedProxyHops: 0,
  admin: { address: "127.0.0.1", port: ports.admin },
  // No Jaeger in these suites: the tracer still makes trace ids, it just has nowhere to export.
  otlp: null,
  tracing: { flushIntervalMs: 100, minFlushSpans: 1, randomSamplingPercent: 100 },
  accessLog: { path: join(dir, "access.log") },
  jwt: { issuer: ISSUER, audience: AUDIENCE, jwksCacheSeconds: 300 },
  cors: { allowedOrigins: ["http://localhost:5173", "http://localhost:3000"] },
  limits,
});

export interface Harness {
  url: string;
  /** The HTTPS door and the CA that signed its certificate, when started with `tls`. */
  tls?: { url: string; caPath: string; ca: string };
  adminUrl: string;
  options: GatewayOptions;
  stubs: Record<ServiceName, Stub>;
  tokens: TokenKit;
  envoy: EnvoyProcess;
  /** Rewrites a service's EDS file (atomically); Envoy picks it up without a restart. */
  setEndpoints(service: ServiceName, endpoints: Endpoint[]): void;
  /** Replaces what the users stub serves at /.well-known/jwks.json (key rotation). */
  publishJwks(next: object): void;
  accessLog(): Promise<string>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  limits?: Limits;
  /** Where spans go; by default nowhere (no Jaeger in these suites). */
  otlp?: HostPort | null;
  jwksCacheSeconds?: number;
  /** Also open the HTTPS door, with a certificate from a fresh local CA. */
  tls?: { hstsMaxAgeSeconds: number };
  trustedProxyHops?: number;
}

export const startHarness = async ({
  limits = testLimits(),
  otlp = null,
  jwksCacheSeconds = 300,
  tls,
  trustedProxyHops = 0,
}: HarnessOptions = {}): Promise<Harness> => {
  const dir = await mkdtemp(join(tmpdir(), "gateway-test-"));
  const tokens = await createTokenKit(ISSUER, AUDIENCE);
  let jwks: object = tokens.jwks;
  const stubs = {
    users: startStub("users", "users-1", () => jwks),
    postings: startStub("postings", "postings-1"),
    notices: startStub("notices", "notices-1"),
    web: startStub("web", "web-1"),
  };
  // EDS files get a directory of their own: Envoy watches it, and logs written beside them would
  // wake the watcher on every line.
  const base = testGatewayOptions({ listen: await freePort(), admin: await freePort() }, dir, limits);
  const certificate = tls ? ensureLocalCertificate({ dir: join(dir, "tls"), openssl: opensslBinary() }) : undefined;
  const options: GatewayOptions = {
    ...base,
    otlp,
    trustedProxyHops,
    jwt: { ...base.jwt, jwksCacheSeconds },
    tls:
      tls && certificate
        ? {
            address: "127.0.0.1",
            port: await freePort(),
            certificateChainPath: certificate.certificateChainPath,
            privateKeyPath: certificate.privateKeyPath,
            hstsMaxAgeSeconds: tls.hstsMaxAgeSeconds,
          }
        : null,
  };
  const setEndpoints = (service: ServiceName, endpoints: Endpoint[]) => {
    const upstream = options.upstreams[service];
    if (upstream.kind !== "eds-file") throw new Error("test upstreams are EDS files");
    writeEndpointsFile(upstream.path, service, endpoints);
  };
  for (const service of SERVICES) setEndpoints(service, [{ host: "127.0.0.1", port: stubs[service].port }]);

  let envoy: EnvoyProcess;
  try {
    envoy = await startEnvoy({ config: renderEnvoyConfig(options), adminPort: options.admin.port, dir });
  } catch (error) {
    for (const stub of Object.values(stubs)) await stub.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${options.listen?.port}`,
    ...(options.tls && certificate
      ? {
          tls: { url: `https://localhost:${options.tls.port}`, caPath: certificate.caPath, ca: await readFile(certificate.caPath, "utf8") },
        }
      : {}),
    adminUrl: envoy.adminUrl,
    options,
    stubs,
    tokens,
    envoy,
    setEndpoints,
    publishJwks: (next) => {
      jwks = next;
    },
    accessLog: () => readFile(join(dir, "access.log"), "utf8").catch(() => ""),
    stop: async () => {
      await envoy.stop();
      for (const stub of Object.values(stubs)) await stub.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
