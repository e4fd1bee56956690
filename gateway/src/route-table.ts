import type { ServiceName } from "./options.ts";

/**
 * The public API of the contract, one entry per method and path. This table is the only place a
 * route is declared: routes, JWT requirements, rate limits and timeouts are all derived from it, so
 * a path cannot be public in one place and protected in another. Anything not listed is a 404.
 */

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface PublicRoute {
  /** Route name: shows up in access logs (`route`) and stats. */
  name: string;
  method: Method;
  /** Contract path template; `{id}` matches one non-empty path segment. */
  path: string;
  service: ServiceName;
  /** `bearer`: Envoy rejects a missing or invalid token with 401 before the service sees it. */
  auth: "public" | "bearer";
  /** `per-client-ip`: the strict brute-force limit; `global`: the shared generous bucket. */
  rateLimit: "per-client-ip" | "global";
  /** `password`: the service hashes a password (argon2), which takes longer. */
  timeout: "default" | "password";
}

const route = (
  name: string,
  method: Method,
  path: string,
  service: ServiceName,
  auth: PublicRoute["auth"],
  extra: Partial<Pick<PublicRoute, "rateLimit" | "timeout">> = {},
): PublicRoute => ({ name, method, path, service, auth, rateLimit: "global", timeout: "default", ...extra });

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  route("users.sign-up", "POST", "/users", "users", "public", { rateLimit: "per-client-ip", timeout: "password" }),
  route("users.login", "POST", "/login", "users", "public", { rateLimit: "per-client-ip", timeout: "password" }),
  route("users.me.get", "GET", "/user", "users", "bearer"),
  route("users.me.update", "PATCH", "/user", "users", "bearer", { timeout: "password" }),
  route("users.me.delete", "DELETE", "/user", "users", "bearer"),
  route("users.token-refresh", "POST", "/token/refresh", "users", "public"),
  route("users.logout", "POST", "/logout", "users", "public"),
  route("users.jwks", "GET", "/.well-known/jwks.json", "users", "public"),

  route("postings.list", "GET", "/postings", "postings", "public"),
  route("postings.create", "POST", "/postings", "postings", "bearer"),
  route("postings.get", "GET", "/postings/{id}", "postings", "public"),
  route("postings.update", "PATCH", "/postings/{id}", "postings", "bearer"),
  route("postings.delete", "DELETE", "/postings/{id}", "postings", "bearer"),

  route("notices.list", "GET", "/notice", "notices", "public"),
  route("notices.create", "POST", "/notice", "notices", "bearer"),
  route("notices.get", "GET", "/notice/{id}", "notices", "public"),
  route("notices.update", "PATCH", "/notice/{id}", "notices", "bearer"),
  route("notices.delete", "DELETE", "/notice/{id}", "notices", "bearer"),

  // The web front end (web/): its page, its hashed assets, the browser session (logging in checks
  // a password, so it gets the per-IP limit) and the trace views. Its pages live in the URL
  // fragment, so `/` is the only page path and no API path changes meaning.
  route("web.page", "GET", "/", "web", "public"),
  route("web.assets", "GET", "/assets/{file}", "web", "public"),
  route("web.session.login", "POST", "/session", "web", "public", { rateLimit: "per-client-ip", timeout: "password" }),
  route("web.session.refresh", "POST", "/session/refresh", "web", "public"),
  route("web.session.logout", "POST", "/session/logout", "web", "public"),
  route("web.traces", "GET", "/traces/{traceId}", "web", "public"),
];

const escapeRegex = (s: string): string => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

/** A contract path template as an anchored RE2 regex: `/postings/{id}` → `^/postings/[^/]+$`. */
export const pathRegex = (template: string): string =>
  `^${template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : escapeRegex(part)))
    .join("")}$`;

/**
 * One regex matching every public API path (used to answer CORS preflights only on real paths).
 * The web part's paths are left out: its own pages call them from the same origin, never cross-site.
 */
export const anyPublicPathRegex = (): string => {
  const paths = [...new Set(PUBLIC_ROUTES.filter((r) => r.service !== "web").map((r) => r.path))];
  return `^(${paths.map((p) => pathRegex(p).slice(1, -1)).join("|")})$`;
};

/** GET routes also answer HEAD, as HTTP expects; the service sees HEAD and sends no body. */
export const methodsOf = (r: PublicRoute): string[] => (r.method === "GET" ? ["GET", "HEAD"] : [r.method]);

/** Idempotent methods may be retried after the upstream saw them; others only if nothing was sent. */
export const isIdempotent = (r: PublicRoute): boolean => r.method === "GET";
