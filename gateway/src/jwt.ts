import type { GatewayOptions } from "./options.ts";
import { duration, typed } from "./proto.ts";
import type { PublicRoute } from "./route-table.ts";

/**
 * JWT at the edge: protected routes never reach a service without a token that verifies against
 * the users service's JWKS (EdDSA, `kid`), with the right issuer and audience, not expired.
 * The services still verify the token themselves (defence in depth), so `Authorization` is
 * forwarded untouched; Envoy adds nothing derived from the token.
 */

export const JWT_FILTER = "envoy.filters.http.jwt_authn";
const PROVIDER = "users";
const REQUIREMENT = "bearer";

export const jwtFilter = ({ jwt }: GatewayOptions) => ({
  name: JWT_FILTER,
  typed_config: typed("envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication", {
    providers: {
      [PROVIDER]: {
        issuer: jwt.issuer,
        audiences: [jwt.audience],
        require_expiration: true,
        // Only the Authorization header: no `?access_token=` (tokens in URLs end up in logs).
        from_headers: [{ name: "authorization", value_prefix: "Bearer " }],
        // Keep the header: the service verifies the same token and reads `sub`/`role` from it.
        forward: true,
        remote_jwks: {
          // Fetched through the users cluster, so it follows the same instances and health checks.
          http_uri: { uri: "http://users/.well-known/jwks.json", cluster: "users", timeout: duration(2_000) },
          cache_duration: duration(jwt.jwksCacheSeconds * 1000),
          // Fetch on the main thread before the listener opens (and again on expiry), so no request
          // waits for the JWKS; if users is not up yet the fetch is retried every second.
          async_fetch: { failed_refetch_duration: duration(1_000) },
          retry_policy: {
            num_retries: 3,
            retry_back_off: { base_interval: duration(200), max_interval: duration(2_000) },
          },
        },
      },
    },
    requirement_map: { [REQUIREMENT]: { provider_name: PROVIDER } },
    // Browsers send preflights without credentials; the CORS filter answers them anyway.
    bypass_cors_preflight: true,
  }),
});

/** Per-route switch: protected routes name the requirement, public ones turn the filter off. */
export const jwtPerRoute = (auth: PublicRoute["auth"]) =>
  typed(
    "envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig",
    auth === "bearer" ? { requirement_name: REQUIREMENT } : { disabled: true },
  );
