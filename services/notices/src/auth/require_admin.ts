import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../http/problem.ts";
import type { Principal, TokenVerifier } from "./token_verifier.ts";

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
  }
}

export type RequireRoleOptions = { verify: TokenVerifier; role?: Principal["role"] };

const bearer = /^Bearer\s+([A-Za-z0-9_.~+/=-]+)\s*$/i;

/**
 * A verified bearer token whose `role` is the one required: 401 without a valid token (checked
 * before anything else about the request), 403 for a valid token of another role.
 */
export const requireRole = ({ verify, role = "admin" }: RequireRoleOptions): MiddlewareHandler =>
  async function requireRole(c, next) {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ProblemError("unauthorized", "This route needs an access token (Authorization: Bearer …).", {
        headers: { "www-authenticate": "Bearer" },
      });
    }
    const token = bearer.exec(header)?.[1];
    if (!token) {
      throw new ProblemError("unauthorized", "The Authorization header is not a bearer token.", {
        headers: { "www-authenticate": 'Bearer error="invalid_request"' },
      });
    }
    const principal = await verify(token);
    if (principal.role !== role) {
      throw new ProblemError("forbidden", `Only ${role}s may do this.`);
    }
    c.set("principal", principal);
    await next();
  };
