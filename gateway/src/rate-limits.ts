import type { Limits, TokenBucket } from "./options.ts";
import { always, duration, setHeader, typed } from "./proto.ts";

/**
 * Local (in-process) rate limits, no rate-limit service needed:
 * - every route shares one generous token bucket (the filter-level bucket), and each client IP has
 *   a smaller bucket of its own on top (a request takes a token from both), so one noisy client
 *   is refused long before it could drain the shared bucket for everyone;
 * - `POST /login` and `POST /users` get a strict bucket per client IP instead.
 * Per-client buckets come from a wildcard descriptor on `remote_address`: Envoy creates one token
 * bucket per distinct address (LRU-bounded). The address is the TCP peer, or the one the trusted
 * proxies put in `x-forwarded-for` (`trustedProxyHops`); a client cannot pick its own. A rejected
 * request is a 429 problem with `retry-after`.
 */

export const RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";
const TYPE = "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

const tokenBucket = (b: TokenBucket) => {
  if (b.maxTokens < 1 || b.tokensPerFill < 1) throw new Error("token bucket needs at least one token");
  // Envoy refuses refill intervals under 50 ms.
  if (b.fillIntervalMs < 50) throw new Error(`token bucket fill interval ${b.fillIntervalMs} ms is under 50 ms`);
  return { max_tokens: b.maxTokens, tokens_per_fill: b.tokensPerFill, fill_interval: duration(b.fillIntervalMs) };
};

/** Seconds until a rejected client surely gets a token again: one refill interval, rounded up. */
export const retryAfterSeconds = (...buckets: TokenBucket[]): number =>
  Math.max(1, ...buckets.map((b) => Math.ceil(b.fillIntervalMs / 1000)));

const enforced = (prefix: string) => ({
  filter_enabled: always(`gateway.rate_limit.${prefix}.enabled`),
  filter_enforced: always(`gateway.rate_limit.${prefix}.enforced`),
});

/** Envoy requires descriptor refill intervals to be a multiple of the route bucket's interval. */
const checkMultiple = (name: string, bucket: TokenBucket, of: TokenBucket) => {
  if (bucket.fillIntervalMs % of.fillIntervalMs !== 0) {
    throw new Error(`${name}.fillIntervalMs (${bucket.fillIntervalMs}) must be a multiple of global.fillIntervalMs (${of.fillIntervalMs})`);
  }
};

/** One dynamic bucket per distinct client address (an entry without a value is a wildcard). */
const perClient = (bucket: TokenBucket, limits: Limits) => ({
  rate_limits: [{ actions: [{ remote_address: {} }] }],
  descriptors: [{ entries: [{ key: "remote_address" }], token_bucket: tokenBucket(bucket) }],
  max_dynamic_descriptors: limits.maxTrackedClientIps,
  // Both buckets, the client's and the shared one, pay for every request.
  always_consume_default_token_bucket: true,
});

/** The filter, with the shared bucket and the per-client one that apply wherever a route has no override. */
export const rateLimitFilter = (limits: Limits) => {
  checkMultiple("perClientIp", limits.perClientIp, limits.global);
  return {
    name: RATE_LIMIT_FILTER,
    typed_config: typed(TYPE, {
      stat_prefix: "global",
      token_bucket: tokenBucket(limits.global),
      ...enforced("global"),
      ...perClient(limits.perClientIp, limits),
      response_headers_to_add: [setHeader("retry-after", String(retryAfterSeconds(limits.perClientIp, limits.global)))],
    }),
  };
};

/** Per-route override for the brute-force-sensitive routes: one bucket per client IP. */
export const perClientIpRateLimit = (limits: Limits) => {
  const perIp = limits.authPerClientIp;
  checkMultiple("authPerClientIp", perIp, limits.global);
  return typed(TYPE, {
    stat_prefix: "per_client_ip",
    // Route-wide bucket (required in a per-route config): the global budget, so a botnet spread
    // over many addresses is still bounded on these routes.
    token_bucket: tokenBucket(limits.global),
    ...enforced("per_client_ip"),
    ...perClient(perIp, limits),
    response_headers_to_add: [setHeader("retry-after", String(retryAfterSeconds(perIp, limits.global)))],
  });
};
