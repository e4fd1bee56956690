import type { Limits, TokenBucket } from "./options.ts";
import { always, duration, setHeader, typed } from "./proto.ts";

/**
 * Local (in-process) rate limits, no rate-limit service needed:
 * - every route shares one generous token bucket (the filter-level bucket);
 * - `POST /login` and `POST /users` get their own bucket per client IP: a wildcard descriptor on
 *   `remote_address` makes Envoy create one token bucket per distinct address (LRU-bounded).
 * The client address is the TCP peer (`use_remote_address`, no trusted proxies), so it cannot be
 * forged with `x-forwarded-for`. A rejected request is a 429 problem with `retry-after`.
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

/** The filter, configured with the shared bucket that applies wherever a route has no override. */
export const rateLimitFilter = (limits: Limits) => ({
  name: RATE_LIMIT_FILTER,
  typed_config: typed(TYPE, {
    stat_prefix: "global",
    token_bucket: tokenBucket(limits.global),
    ...enforced("global"),
    response_headers_to_add: [setHeader("retry-after", String(retryAfterSeconds(limits.global)))],
  }),
});

/** Per-route override for the brute-force-sensitive routes: one bucket per client IP. */
export const perClientIpRateLimit = (limits: Limits) => {
  const perIp = limits.authPerClientIp;
  // Envoy requires descriptor refill intervals to be a multiple of the route bucket's interval.
  if (perIp.fillIntervalMs % limits.global.fillIntervalMs !== 0) {
    throw new Error(
      `authPerClientIp.fillIntervalMs (${perIp.fillIntervalMs}) must be a multiple of global.fillIntervalMs (${limits.global.fillIntervalMs})`,
    );
  }
  return typed(TYPE, {
    stat_prefix: "per_client_ip",
    // Route-wide bucket (required in a per-route config): the global budget, so a botnet spread
    // over many addresses is still bounded on these routes.
    token_bucket: tokenBucket(limits.global),
    ...enforced("per_client_ip"),
    rate_limits: [{ actions: [{ remote_address: {} }] }],
    // An entry without a value is a wildcard: one dynamic bucket per distinct remote address.
    descriptors: [{ entries: [{ key: "remote_address" }], token_bucket: tokenBucket(perIp) }],
    max_dynamic_descriptors: limits.maxTrackedClientIps,
    response_headers_to_add: [setHeader("retry-after", String(retryAfterSeconds(perIp, limits.global)))],
  });
};
