import type { GatewayOptions } from "./options.ts";
import { typed } from "./proto.ts";
import { TRACE_ID_HEADER } from "./tracing.ts";

/**
 * CORS is answered at the edge so browsers on the listed origins can call the API; services never
 * see preflights. Tokens travel in the Authorization header, not cookies, so credentials stay off.
 */

export const CORS_FILTER = "envoy.filters.http.cors";

export const corsFilter = () => ({
  name: CORS_FILTER,
  typed_config: typed("envoy.extensions.filters.http.cors.v3.Cors"),
});

/** Policy for the whole virtual host (attached as its typed_per_filter_config). */
export const corsPolicy = ({ cors }: GatewayOptions) =>
  typed("envoy.extensions.filters.http.cors.v3.CorsPolicy", {
    allow_origin_string_match: cors.allowedOrigins.map((origin) => ({ exact: origin })),
    allow_methods: "GET, HEAD, POST, PATCH, DELETE",
    allow_headers: "authorization, content-type",
    expose_headers: [TRACE_ID_HEADER, "retry-after"].join(", "),
    max_age: "600",
    // Envoy answers every preflight itself; one from an unlisted origin simply gets no allow-headers.
    forward_not_matching_preflights: false,
  });
