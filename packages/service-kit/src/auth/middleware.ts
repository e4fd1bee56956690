import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../http/problem.ts";
import type { Role } from "./principal.ts";
import type { TokenVerifier } from "./token-verifier.ts";

const bearer = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Verifies the bearer token in the service itself, even behind the gateway's check: a request
 * that reaches the service directly must prove who it is just the same.
 */
export const requireAuth = ({ verify }: { verify: TokenVerifier }): MiddlewareHandler =>
  async function requireAuth(c, next) {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ProblemError("unauthorized", "Send an access token: Authorization: Bearer <token>.", {
        headers: { "www-authenticate": "Bearer" },
      });
    }
    const match = bearer.exec(header);
    if (!match?.[1]) {
      throw new ProblemError("unauthorized", "The Authorization header is not a Bearer token.", {
        headers: { "www-authenticate": 'Bearer error="invalid_token"' },
      });
    }
    c.set("principal", await verify(match[1]));
    await next();
  };

export const requireRole = ({ role = "admin" }: { role?: Role } = {}): MiddlewareHandler =>
  async function requireRole(c, next) {
    if (c.get("principal")?.role !== role) {
      throw new ProblemError("forbidden", `Only ${role}s may do this.`);
    }
    await next();
  };
