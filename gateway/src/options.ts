/**
 * Everything the gateway config depends on, in one typed object. The stack runner, the test suite
 * and the container render all build a `GatewayOptions` and hand it to `renderEnvoyConfig`; nothing
 * in the renderer reads the environment.
 */

/** The API services, and `web`: the front end's own process, served at `/` (see route-table.ts). */
export const SERVICES = ["users", "postings", "notices", "web"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Where a service's instances are.
 * - `eds-file`: Envoy watches a JSON DiscoveryResponse file (see `endpoints.ts`); the runner rewrites
 *   it atomically to scale out or roll instances without restarting Envoy.
 * - `dns`: a DNS name resolved by Envoy (compose service name / Kubernetes Service).
 */
export type Endpoints = { kind: "eds-file"; path: string } | ({ kind: "dns" } & HostPort);

/** A token bucket: starts full with `maxTokens`, gains `tokensPerFill` every `fillIntervalMs`. */
export interface TokenBucket {
  maxTokens: number;
  tokensPerFill: number;
  fillIntervalMs: number;
}

export interface HealthCheckLimits {
  intervalMs: number;
  timeoutMs: number;
  /** Failed checks in a row before a host leaves the load-balancing set. */
  unhealthyThreshold: number;
  /** Passed checks in a row before a host (new or recovering) gets traffic. */
  healthyThreshold: number;
}

export interface Limits {
  /** Largest request body accepted; bigger ones get a 413 problem before reaching a service. */
  maxRequestBodyBytes: number;
  /** Per client IP on `POST /login` and `POST /users` (password guessing, sign-up spam). */
  authPerClientIp: TokenBucket;
  /** Shared by every other route: protects the services, not a per-user quota. */
  global: TokenBucket;
  /**
   * Every other route, per client IP, on top of the shared bucket: one noisy client runs out of its
   * own tokens long before it can drain the shared bucket and get everyone a 429.
   */
  perClientIp: TokenBucket;
  /** Client IPs tracked at once by the per-IP limiter (LRU). */
  maxTrackedClientIps: number;
  /** Whole-request upstream timeout (all retries included) for ordinary routes. */
  routeTimeoutMs: number;
  /** `POST /login`, `POST /users` and `PATCH /user` hash passwords with argon2: give them more. */
  passwordRouteTimeoutMs: number;
  /** Per-attempt timeout for idempotent (GET/HEAD) requests, which may be retried. */
  perTryTimeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  upstreamConnectTimeoutMs: number;
  /**
   * Upstream keep-alive connections are closed after this much idle time. Must stay below the
   * services' own idle timeout (Bun.serve: 10 s) so Envoy never reuses a socket the service is closing.
   */
  upstreamIdleTimeoutMs: number;
  /** Time a client gets to send the request headers (slow-loris guard). */
  requestHeadersTimeoutMs: number;
  /** A stream with no activity for this long is reset. */
  streamIdleTimeoutMs: number;
  healthCheck: HealthCheckLimits;
  circuitBreaker: {
    maxConnections: number;
    maxPendingRequests: number;
    maxRequests: number;
    /** Retries may add at most this share of the active requests (retry budget). */
    retryBudgetPercent: number;
  };
  outlierDetection: {
    /** 502/503/504 or connection failures in a row before a host is ejected. */
    consecutiveGatewayFailures: number;
    intervalMs: number;
    baseEjectionTimeMs: number;
  };
}

export interface TracingOptions {
  /** How often the OpenTelemetry tracer exports its buffered spans. */
  flushIntervalMs: number;
  /** Export as soon as this many spans are buffered. */
  minFlushSpans: number;
  /** Share of requests without a sampling decision that get traced (0–100). */
  randomSamplingPercent: number;
}

/** The HTTPS door: a certificate chain and its key, as PEM files Envoy reads at start. */
export interface TlsListener {
  address: string;
  port: number;
  certificateChainPath: string;
  privateKeyPath: string;
  /**
   * `strict-transport-security: max-age=…` on every TLS response (never on plain HTTP, where it
   * means nothing). Browsers apply it per host name, every port included.
   */
  hstsMaxAgeSeconds: number;
}

export interface GatewayOptions {
  /** The plain-HTTP door. Native stack: 0.0.0.0:8080; null in containers, which serve TLS only. */
  listen: { address: string; port: number } | null;
  /** The HTTPS door (native stack :8443, containers :8443 only); null: no TLS listener. */
  tls: TlsListener | null;
  /**
   * Proxies in front of the gateway that append to `x-forwarded-for` (a TLS-terminating load
   * balancer is one). 0 at the edge: the TCP peer is the client and any `x-forwarded-for` is
   * ignored. With N, the client is the Nth address from the right of `x-forwarded-for`, and the
   * per-client limits key on it. Never more than the proxies you really run: each extra hop lets a
   * client pick its own address.
   */
  trustedProxyHops: number;
  /** Envoy admin (`/ready`, `/stats`, `/quitquitquit`): loopback only, never public. */
  admin: { address: "127.0.0.1"; port: number };
  upstreams: Record<ServiceName, Endpoints>;
  /** Jaeger's OTLP gRPC receiver; null turns span export off (spans and x-trace-id still exist). */
  otlp: HostPort | null;
  tracing: TracingOptions;
  accessLog: "stdout" | { path: string };
  jwt: {
    issuer: string;
    audience: string;
    /** How long the JWKS fetched from users is trusted before it is fetched again. */
    jwksCacheSeconds: number;
  };
  cors: { allowedOrigins: string[] };
  limits: Limits;
}

export const defaultLimits = (): Limits => ({
  maxRequestBodyBytes: 64 * 1024,
  // 10 per minute per IP (one token every 6 s) with a burst of 10.
  authPerClientIp: { maxTokens: 10, tokensPerFill: 1, fillIntervalMs: 6_000 },
  // Generous: above what the services can serve on a small machine (so benchmarks measure the
  // services, not this limit), low enough to shed a flood before it queues at the services.
  global: { maxTokens: 10_000, tokensPerFill: 5_000, fillIntervalMs: 1_000 },
  // A fifth of the shared rate per client: one busy client (or a benchmark) still gets far more
  // than a person ever needs, and it takes several flooding at once to reach the shared limit.
  perClientIp: { maxTokens: 2_000, tokensPerFill: 1_000, fillIntervalMs: 1_000 },
  maxTrackedClientIps: 10_000,
  routeTimeoutMs: 5_000,
  passwordRouteTimeoutMs: 10_000,
  perTryTimeoutMs: 2_500,
  maxRetries: 2,
  upstreamConnectTimeoutMs: 1_000,
  upstreamIdleTimeoutMs: 5_000,
  requestHeadersTimeoutMs: 10_000,
  streamIdleTimeoutMs: 30_000,
  healthCheck: { intervalMs: 2_000, timeoutMs: 1_000, unhealthyThreshold: 2, healthyThreshold: 1 },
  circuitBreaker: {
    maxConnections: 1_024,
    maxPendingRequests: 1_024,
    maxRequests: 1_024,
    retryBudgetPercent: 20,
  },
  outlierDetection: { consecutiveGatewayFailures: 3, intervalMs: 2_000, baseEjectionTimeMs: 10_000 },
});

/** Origins of the local web front ends (Vite dev server, a Next/CRA dev server). */
export const DEFAULT_ALLOWED_ORIGINS = ["http://localhost:5173", "http://localhost:3000"];

/** Default EDS file location of a service for the native stack (the runner may choose another). */
export const defaultEdsPath = (dir: string, service: ServiceName): string => `${dir}/${service}.eds.json`;

/**
 * The native stack: Envoy on 0.0.0.0:8080 in front of services on loopback, instances listed in
 * EDS files under `edsDir` (the runner writes them before starting Envoy).
 */
export const defaultGatewayOptions = (edsDir = ".stack/gateway"): GatewayOptions => ({
  listen: { address: "0.0.0.0", port: 8080 },
  // The stack adds the HTTPS door once its certificate exists (`nativeTls`).
  tls: null,
  trustedProxyHops: 0,
  admin: { address: "127.0.0.1", port: 9901 },
  upstreams: {
    users: { kind: "eds-file", path: defaultEdsPath(edsDir, "users") },
    postings: { kind: "eds-file", path: defaultEdsPath(edsDir, "postings") },
    notices: { kind: "eds-file", path: defaultEdsPath(edsDir, "notices") },
    web: { kind: "eds-file", path: defaultEdsPath(edsDir, "web") },
  },
  otlp: { host: "127.0.0.1", port: 4317 },
  // One export per 512 spans or per second, whichever comes first: Envoy's default (5 spans) means
  // one gRPC call to Jaeger per handful of requests, which costs both sides more than the spans.
  tracing: { flushIntervalMs: 1_000, minFlushSpans: 512, randomSamplingPercent: 100 },
  accessLog: "stdout",
  // Matches the users service's `cache-control: max-age=60` on its JWKS.
  jwt: { issuer: "msa-board", audience: "msa-board", jwksCacheSeconds: 60 },
  cors: { allowedOrigins: [...DEFAULT_ALLOWED_ORIGINS] },
  limits: defaultLimits(),
});

/** One year, the usual production value (and what HSTS preload lists ask for). */
export const PRODUCTION_HSTS_MAX_AGE_SECONDS = 31_536_000;

/** Where containers find the gateway's certificate: a Secret mounted there (compose and Kubernetes). */
export const CONTAINER_TLS_DIR = "/etc/msa-board/tls";

/** The native HTTPS door on `port`, with the certificate the stack made under `dir`. */
export const nativeTls = (dir: string, port = 8443, hstsMaxAgeSeconds = PRODUCTION_HSTS_MAX_AGE_SECONDS): TlsListener => ({
  address: "0.0.0.0",
  port,
  certificateChainPath: `${dir}/server.crt`,
  privateKeyPath: `${dir}/server.key`,
  hstsMaxAgeSeconds,
});

/**
 * Containers (compose / Kubernetes): services and Jaeger reached by DNS name, the config rendered
 * once into `gateway/envoy.yaml`. TLS only: the certificate comes from a Secret (`tls.crt`,
 * `tls.key`, the names of a Kubernetes TLS Secret) mounted at CONTAINER_TLS_DIR.
 */
export const containerGatewayOptions = (): GatewayOptions => ({
  ...defaultGatewayOptions(),
  listen: null,
  tls: {
    address: "0.0.0.0",
    port: 8443,
    certificateChainPath: `${CONTAINER_TLS_DIR}/tls.crt`,
    privateKeyPath: `${CONTAINER_TLS_DIR}/tls.key`,
    hstsMaxAgeSeconds: PRODUCTION_HSTS_MAX_AGE_SECONDS,
  },
  upstreams: {
    users: { kind: "dns", host: "users", port: 3001 },
    postings: { kind: "dns", host: "postings", port: 3002 },
    notices: { kind: "dns", host: "notices", port: 3003 },
    web: { kind: "dns", host: "web", port: 3004 },
  },
  otlp: { host: "jaeger", port: 4317 },
});

/** The monolith shape's one process in containers: its compose service / Kubernetes Service and port. */
export const CONTAINER_MONOLITH: HostPort = { host: "monolith", port: 3000 };

/**
 * The monolith shape in containers (`compose.monolith.yaml`): the same gateway — routes, JWT checks,
 * limits, TLS — with every API cluster sent to the one `monolith` process, which picks the module
 * in-process by the same route table. web stays a process of its own. Rendered into
 * `gateway/envoy.monolith.yaml`, which the same gateway image carries beside `envoy.yaml`.
 */
export const containerMonolithGatewayOptions = (): GatewayOptions => {
  const base = containerGatewayOptions();
  const monolith: Endpoints = { kind: "dns", ...CONTAINER_MONOLITH };
  return { ...base, upstreams: { ...base.upstreams, users: monolith, postings: monolith, notices: monolith } };
};
