import { accessLog } from "./access-log.ts";
import { clusters } from "./clusters.ts";
import { corsFilter } from "./cors.ts";
import { headerMutationFilter } from "./headers.ts";
import { jwtFilter } from "./jwt.ts";
import { localReplyConfig } from "./local-replies.ts";
import type { GatewayOptions, Limits, TlsListener } from "./options.ts";
import { duration, socketAddress, typed } from "./proto.ts";
import { rateLimitFilter } from "./rate-limits.ts";
import { routeConfig } from "./routes.ts";
import { downstreamTls } from "./tls.ts";
import { tracingConfig, tracingRuntime } from "./tracing.ts";

/**
 * The whole Envoy bootstrap, as a plain object (write it as JSON, start `envoy -c file.json`).
 * Static listeners and clusters; only the service endpoints change at run time (EDS files).
 */

export { type Endpoint, renderEndpointsFile, writeEndpointsFile } from "./endpoints.ts";
export type { Endpoints, GatewayOptions, Limits, ServiceName, TlsListener, TokenBucket } from "./options.ts";
export { containerGatewayOptions, containerMonolithGatewayOptions, defaultGatewayOptions, defaultLimits, nativeTls } from "./options.ts";

/** Which door an HTTP connection manager serves: plain HTTP, or HTTPS (with HSTS on its answers). */
type Door = { tls: TlsListener | null };

/**
 * Filter order matters:
 * 1. headers: strip untrusted request headers, stamp x-trace-id on every response (first, so every
 *    reply passes through it, including the other filters' own);
 * 2. CORS: preflights are answered before anything else;
 * 3. buffer: the (small JSON) body is read in full, and refused with 413 past the limit, before any
 *    decision. A reply sent while a request body is still unread forces Envoy to close an
 *    HTTP/1.1 connection; reading first keeps the connection reusable after a 401 or 429
 *    (clients that pool connections badly, Bun's fetch among them, would otherwise hit resets);
 * 4. rate limit, before any JWT work;
 * 5. JWT; 6. router.
 */
const httpFilters = (options: GatewayOptions, door: Door) => [
  headerMutationFilter({ hstsMaxAgeSeconds: door.tls?.hstsMaxAgeSeconds }),
  corsFilter(),
  {
    name: "envoy.filters.http.buffer",
    typed_config: typed("envoy.extensions.filters.http.buffer.v3.Buffer", {
      max_request_bytes: options.limits.maxRequestBodyBytes,
    }),
  },
  rateLimitFilter(options.limits),
  jwtFilter(options),
  {
    name: "envoy.filters.http.router",
    // No x-envoy-* headers to services or clients: they reveal internals and are not part of the API.
    typed_config: typed("envoy.extensions.filters.http.router.v3.Router", { suppress_envoy_headers: true }),
  },
];

const httpConnectionManager = (options: GatewayOptions, limits: Limits, door: Door) =>
  typed("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", {
    stat_prefix: door.tls ? "public_tls" : "public",
    codec_type: "AUTO",
    server_name: "msa-board-gateway",
    // The client address is the TCP peer at the edge (0 hops: no incoming x-forwarded-for is
    // trusted), or the address the trusted proxies in front recorded in x-forwarded-for.
    use_remote_address: true,
    xff_num_trusted_hops: trustedHops(options.trustedProxyHops),
    // No client is "internal": otherwise loopback/private-network clients could steer Envoy with
    // x-envoy-* request headers (retries, timeouts). 0.0.0.0/32 never is a peer address.
    internal_address_config: { cidr_ranges: [{ address_prefix: "0.0.0.0", prefix_len: 32 }] },
    // Route on the canonical path: /postings/../user or //user cannot slip past the route table.
    // An escaped slash (%2F) stays data inside its segment (Envoy's default, KEEP_UNCHANGED): the
    // services route on the raw path too. Rejecting it would answer before tracing starts, i.e.
    // without x-trace-id.
    normalize_path: true,
    merge_slashes: true,
    request_headers_timeout: duration(limits.requestHeadersTimeoutMs),
    stream_idle_timeout: duration(limits.streamIdleTimeoutMs),
    common_http_protocol_options: {
      // Some frameworks read x_user_id as x-user-id; drop such headers instead of passing them on.
      headers_with_underscores_action: "DROP_HEADER",
      idle_timeout: duration(300_000),
    },
    access_log: accessLog(options),
    tracing: tracingConfig(options),
    route_config: routeConfig(options),
    local_reply_config: localReplyConfig(),
    http_filters: httpFilters(options, door),
  });

const trustedHops = (hops: number): number => {
  if (!Number.isInteger(hops) || hops < 0 || hops > 10)
    throw new Error(`trustedProxyHops must be a whole number from 0 to 10, got ${hops}`);
  return hops;
};

const listener = (options: GatewayOptions, door: Door, address: { address: string; port: number }) => ({
  name: door.tls ? "public_tls" : "public",
  address: socketAddress(address.address, address.port),
  per_connection_buffer_limit_bytes: 32 * 1024,
  filter_chains: [
    {
      filters: [
        {
          name: "envoy.filters.network.http_connection_manager",
          typed_config: httpConnectionManager(options, options.limits, door),
        },
      ],
      ...(door.tls ? { transport_socket: downstreamTls(door.tls) } : {}),
    },
  ],
});

/** The doors: plain HTTP (native, local use) and HTTPS; at least one. */
const listeners = (options: GatewayOptions) => {
  const doors = [
    ...(options.listen ? [listener(options, { tls: null }, options.listen)] : []),
    ...(options.tls ? [listener(options, { tls: options.tls }, options.tls)] : []),
  ];
  if (doors.length === 0) throw new Error("the gateway needs a plain (listen) or a TLS listener");
  return doors;
};

export const renderEnvoyConfig = (options: GatewayOptions): Record<string, unknown> => ({
  node: { id: "gateway", cluster: "gateway" },
  admin: { address: socketAddress(options.admin.address, options.admin.port) },
  layered_runtime: {
    layers: [{ name: "static", static_layer: tracingRuntime(options) }],
  },
  overload_manager: {
    resource_monitors: [
      {
        name: "envoy.resource_monitors.global_downstream_max_connections",
        typed_config: typed("envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig", {
          max_active_downstream_connections: 50_000,
        }),
      },
    ],
  },
  static_resources: {
    listeners: listeners(options),
    clusters: clusters(options),
  },
});
