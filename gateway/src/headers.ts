import { setHeader, typed } from "./proto.ts";
import { TRACE_ID_HEADER } from "./tracing.ts";

/**
 * Header hygiene at the door, as the first HTTP filter so it sees every request and, on the way
 * back, every response — upstream answers and Envoy's own replies alike:
 * - requests lose headers that could pass for identity or internal state at a service;
 * - responses get `x-trace-id`, the 32-hex trace id of the request, and on the HTTPS door
 *   `strict-transport-security` (HSTS means nothing over plain HTTP, and browsers ignore it there).
 */

export const HEADER_MUTATION_FILTER = "envoy.filters.http.header_mutation";

/** Exact names a service might trust; Envoy itself never sets them. */
export const UNTRUSTED_REQUEST_HEADERS = [
  "x-user",
  "x-auth-user",
  "x-authenticated-user",
  "x-forwarded-user",
  "x-forwarded-email",
  "x-remote-user",
  "x-admin",
  "x-service-token",
];

/** Whole families of such headers (`x-user-id`, `x-user-role`, `x-jwt-payload`, `x-internal-…`). */
export const UNTRUSTED_REQUEST_HEADER_PREFIXES = ["x-user-", "x-jwt-", "x-internal", "x-auth-", "x-identity-"];

export const HSTS_HEADER = "strict-transport-security";

export const headerMutationFilter = ({ hstsMaxAgeSeconds }: { hstsMaxAgeSeconds?: number } = {}) => ({
  name: HEADER_MUTATION_FILTER,
  typed_config: typed("envoy.extensions.filters.http.header_mutation.v3.HeaderMutation", {
    mutations: {
      request_mutations: [
        ...UNTRUSTED_REQUEST_HEADERS.map((name) => ({ remove: name })),
        ...UNTRUSTED_REQUEST_HEADER_PREFIXES.map((prefix) => ({
          remove_on_match: { key_matcher: { prefix, ignore_case: true } },
        })),
      ],
      response_mutations: [
        { append: setHeader(TRACE_ID_HEADER, "%TRACE_ID%") },
        // A service cannot weaken it: the gateway's value replaces any it sent.
        ...(hstsMaxAgeSeconds === undefined ? [] : [{ append: setHeader(HSTS_HEADER, `max-age=${hstsMaxAgeSeconds}`) }]),
      ],
    },
  }),
});
