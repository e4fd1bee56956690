import { dirname } from "node:path";
import type { Endpoints, GatewayOptions, HostPort, Limits, ServiceName } from "./options.ts";
import { SERVICES } from "./options.ts";
import { duration, socketAddress, typed } from "./proto.ts";
import { OTLP_CLUSTER } from "./tracing.ts";

/**
 * One cluster per service. Resilience lives here, the same for all three:
 * - active health checks on `GET /healthz`: a host that fails twice leaves the pool, a new or
 *   recovered host gets traffic only after it passes;
 * - panic threshold 0: when no host is healthy Envoy answers 503 at once instead of trying dead
 *   hosts (its default would send traffic to all hosts once under 50 % are healthy);
 * - outlier detection ejects a host that keeps failing between health checks (a passing health
 *   check lets it back in);
 * - circuit breakers cap connections/requests, and a retry budget keeps retries from piling up.
 */

const HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

const upstreamHttp1 = (limits: Limits) => ({
  [HTTP_OPTIONS]: typed(HTTP_OPTIONS, {
    // Close idle keep-alive sockets before the service does, so a request is never written onto a
    // socket the service is closing at that moment.
    common_http_protocol_options: { idle_timeout: duration(limits.upstreamIdleTimeoutMs) },
    explicit_http_config: { http_protocol_options: {} },
  }),
});

const healthCheck = ({ healthCheck: hc }: Limits) => ({
  timeout: duration(hc.timeoutMs),
  interval: duration(hc.intervalMs),
  // Envoy's default checks idle clusters only once a minute; keep checking at the normal pace so
  // a cluster is healthy (and the gateway ready) as soon as its service is.
  no_traffic_interval: duration(hc.intervalMs),
  unhealthy_interval: duration(hc.intervalMs),
  interval_jitter_percent: 10,
  unhealthy_threshold: hc.unhealthyThreshold,
  healthy_threshold: hc.healthyThreshold,
  http_health_check: { path: "/healthz" },
});

const circuitBreakers = ({ circuitBreaker: cb }: Limits) => ({
  thresholds: [
    {
      priority: "DEFAULT",
      max_connections: cb.maxConnections,
      max_pending_requests: cb.maxPendingRequests,
      max_requests: cb.maxRequests,
      retry_budget: { budget_percent: { value: cb.retryBudgetPercent }, min_retry_concurrency: 3 },
      track_remaining: true,
    },
  ],
});

const outlierDetection = ({ outlierDetection: od }: Limits) => ({
  consecutive_gateway_failure: od.consecutiveGatewayFailures,
  enforcing_consecutive_gateway_failure: 100,
  consecutive_5xx: 5,
  enforcing_consecutive_5xx: 100,
  enforcing_success_rate: 0,
  interval: duration(od.intervalMs),
  base_ejection_time: duration(od.baseEjectionTimeMs),
  // Every host may be ejected: with panic threshold 0 a service whose hosts all fail answers 503
  // fast (circuit open) until a health check passes again.
  max_ejection_percent: 100,
});

const loadAssignment = (cluster: string, endpoints: HostPort[]) => ({
  cluster_name: cluster,
  endpoints: endpoints.length ? [{ lb_endpoints: endpoints.map((e) => ({ endpoint: { address: socketAddress(e.host, e.port) } })) }] : [],
});

/** Where the hosts come from: a watched EDS file (native) or DNS (containers). */
const discovery = (service: ServiceName, endpoints: Endpoints) =>
  endpoints.kind === "eds-file"
    ? {
        type: "EDS",
        eds_cluster_config: {
          service_name: service,
          eds_config: {
            resource_api_version: "V3",
            // Envoy re-reads the file when something is moved into its directory: writers must
            // write a temp file in the same directory and rename it over (see endpoints.ts).
            path_config_source: { path: endpoints.path, watched_directory: { path: dirname(endpoints.path) } },
          },
        },
      }
    : {
        type: "STRICT_DNS",
        dns_lookup_family: "V4_PREFERRED",
        respect_dns_ttl: true,
        dns_refresh_rate: duration(5_000),
        load_assignment: loadAssignment(service, [endpoints]),
      };

export const serviceCluster = (service: ServiceName, endpoints: Endpoints, limits: Limits) => ({
  name: service,
  ...discovery(service, endpoints),
  connect_timeout: duration(limits.upstreamConnectTimeoutMs),
  // Least-request spreads slow argon2 logins better than round robin when scaled out.
  lb_policy: "LEAST_REQUEST",
  common_lb_config: {
    healthy_panic_threshold: { value: 0 },
    // Apply health changes at once (the default batches them for 1 s, useful for huge clusters
    // only): a host that just passed or failed its check gains or loses traffic immediately.
    update_merge_window: duration(0),
  },
  // A host removed from discovery leaves at once, even while it still passes health checks:
  // that is how a rolling deploy takes an instance out before stopping it.
  ignore_health_on_host_removal: true,
  health_checks: [healthCheck(limits)],
  circuit_breakers: circuitBreakers(limits),
  outlier_detection: outlierDetection(limits),
  typed_extension_protocol_options: upstreamHttp1(limits),
});

/**
 * Jaeger's OTLP gRPC receiver. Nothing waits on it: if Jaeger is down, exports just fail (and
 * Envoy retries on the next flush). `null` leaves the cluster without endpoints.
 */
export const otlpCluster = (otlp: HostPort | null) => ({
  name: OTLP_CLUSTER,
  type: otlp ? "STRICT_DNS" : "STATIC",
  ...(otlp ? { dns_lookup_family: "V4_PREFERRED" } : {}),
  connect_timeout: duration(1_000),
  load_assignment: loadAssignment(OTLP_CLUSTER, otlp ? [otlp] : []),
  typed_extension_protocol_options: {
    [HTTP_OPTIONS]: typed(HTTP_OPTIONS, { explicit_http_config: { http2_protocol_options: {} } }),
  },
});

export const clusters = (options: GatewayOptions) => [
  ...SERVICES.map((s) => serviceCluster(s, options.upstreams[s], options.limits)),
  otlpCluster(options.otlp),
];
