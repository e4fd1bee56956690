import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../http/problem.ts";
import type { Role } from "./principal.ts";
import type { TokenVerifier } from "./token-verifier.ts";

/**
 * `Authorization: Bearer <token>`: the scheme in any case (RFC 9110 §11.1), one space, an RFC 6750
 * b64token. Anything else is not a bearer credential.
 */
const bearer = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * The one WWW-Authenticate rule, for every 401 of every service: no credentials → `Bearer`;
 * credentials that are not a bearer token → `Bearer error="invalid_request"`; a token that does not
 * verify → `Bearer error="invalid_token"` (set by the verifier).
 */
export const CHALLENGE = { missing: "Bearer", malformed: 'Bearer error="invalid_request"' } as const;

/**
 * Verifies the bearer token in the service itself, even behind the gateway's check: a request
 * that reaches the service directly must prove who it is just the same. It runs before anything
 * reads the body, so an anonymous caller learns nothing about what the route accepts.
 */
export const requireAuth = ({ verify }: { verify: TokenVerifier }): MiddlewareHandler =>
  async function requireAuth(c, next) {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ProblemError("unauthorized", "Send an access token: Authorization: Bearer <token>.", {
        headers: { "www-authenticate": CHALLENGE.missing },
      });
    }
    const token = bearer.exec(header)?.[1];
    if (!token) {
      throw new ProblemError("unauthorized", "The Authorization header is not a Bearer token.", {
        headers: { "www-authenticate": CHALLENGE.malformed },
      });
    }
    c.set("principal", await verify(token));
    await next();
  };

/** After requireAuth: 403 for a verified caller of another role. */
export const requireRole = ({ role = "admin" }: { role?: Role } = {}): MiddlewareHandler =>
  async function requireRole(c, next) {
    if (c.get("principal")?.role !== role) {
      throw new ProblemError("forbidden", `Only ${role}s may do this.`);
    }
    await next();
  };
