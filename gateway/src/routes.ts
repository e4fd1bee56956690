import { CORS_FILTER, corsPolicy } from "./cors.ts";
import { JWT_FILTER, jwtPerRoute } from "./jwt.ts";
import type { GatewayOptions, Limits } from "./options.ts";
import { duration, typed } from "./proto.ts";
import { perClientIpRateLimit, RATE_LIMIT_FILTER } from "./rate-limits.ts";
import { anyPublicPathRegex, isIdempotent, methodsOf, PUBLIC_ROUTES, type PublicRoute, pathRegex } from "./route-table.ts";

/** The route table rendered for Envoy: one route per contract entry, nothing else is reachable. */

const pathMatch = (path: string) => (path.includes("{") ? { safe_regex: { regex: pathRegex(path) } } : { path });

const methodMatch = (methods: string[]) => ({
  name: ":method",
  string_match: methods.length === 1 ? { exact: methods[0] } : { safe_regex: { regex: `^(${methods.join("|")})$` } },
});

const previousHosts = [
  {
    name: "envoy.retry_host_predicates.previous_hosts",
    typed_config: typed("envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"),
  },
];

/**
 * GET/HEAD may be retried whenever the service did not answer (connection refused, reset, per-try
 * timeout). Other methods only when the request provably never reached the service (refused
 * connection, refused stream, reset before the request was written), so a POST is never run twice.
 * Neither retries on a 5xx the service chose to send. Retries prefer another host, which is what
 * lets a rolling deploy or a crashed instance go unnoticed by clients.
 */
const retryPolicy = (route: PublicRoute, limits: Limits, timeoutMs: number) => ({
  retry_on: isIdempotent(route) ? "connect-failure,refused-stream,reset" : "connect-failure,refused-stream,reset-before-request",
  num_retries: limits.maxRetries,
  // Only meaningful below the whole-request timeout (which includes every retry).
  ...(isIdempotent(route) && limits.perTryTimeoutMs < timeoutMs ? { per_try_timeout: duration(limits.perTryTimeoutMs) } : {}),
  retry_host_predicate: previousHosts,
  host_selection_retry_max_attempts: 3,
  retry_back_off: { base_interval: duration(25), max_interval: duration(250) },
});

const routeTimeoutMs = (route: PublicRoute, limits: Limits) =>
  route.timeout === "password" ? limits.passwordRouteTimeoutMs : limits.routeTimeoutMs;

export const envoyRoute = (route: PublicRoute, options: GatewayOptions) => {
  const timeoutMs = routeTimeoutMs(route, options.limits);
  return {
    name: route.name,
    match: { ...pathMatch(route.path), headers: [methodMatch(methodsOf(route))] },
    route: {
      cluster: route.service,
      timeout: duration(timeoutMs),
      retry_policy: retryPolicy(route, options.limits, timeoutMs),
    },
    // Names the gateway span like the services name theirs: "GET /postings/{id}".
    // Not propagated: the service has no use for an x-envoy-decorator-operation header.
    decorator: { operation: `${route.method} ${route.path}`, propagate: false },
    typed_per_filter_config: {
      [JWT_FILTER]: jwtPerRoute(route.auth),
      ...(route.rateLimit === "per-client-ip" ? { [RATE_LIMIT_FILTER]: perClientIpRateLimit(options.limits) } : {}),
    },
  };
};

/**
 * CORS preflights need a matching route (with a cluster: the CORS filter ignores direct-response
 * routes) for the filter to find its policy. The filter answers every preflight itself, allowed
 * origin or not (`forward_not_matching_preflights: false`), so this route never forwards anything.
 * Only real preflights match (Origin + Access-Control-Request-Method); a bare OPTIONS is a 404.
 */
const preflightRoute = () => ({
  name: "cors-preflight",
  match: {
    safe_regex: { regex: anyPublicPathRegex() },
    headers: [
      methodMatch(["OPTIONS"]),
      { name: "origin", present_match: true },
      { name: "access-control-request-method", present_match: true },
    ],
  },
  route: { cluster: "users", timeout: duration(1_000) },
  decorator: { operation: "OPTIONS (CORS preflight)", propagate: false },
  typed_per_filter_config: { [JWT_FILTER]: jwtPerRoute("public") },
});

export const routeConfig = (options: GatewayOptions) => ({
  name: "public",
  virtual_hosts: [
    {
      name: "msa-board",
      domains: ["*"],
      routes: [...PUBLIC_ROUTES.map((r) => envoyRoute(r, options)), preflightRoute()],
      typed_per_filter_config: { [CORS_FILTER]: corsPolicy(options) },
    },
  ],
});
