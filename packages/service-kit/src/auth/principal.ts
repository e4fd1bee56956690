import { z } from "zod";

export const roles = ["user", "admin"] as const;
export type Role = (typeof roles)[number];

/**
 * Who is calling, as proven by a verified access token. `issuedAt` (the token's `iat`) says how
 * current `name` and `role` are, for services that keep a copy of them.
 */
export type Principal = { userId: string; role: Role; name: string; issuedAt?: Date };

export const accessTokenClaims = z.object({
  sub: z.string().min(1),
  role: z.enum(roles),
  name: z.string(),
  iat: z.number(),
  exp: z.number(),
});

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
  }
}
