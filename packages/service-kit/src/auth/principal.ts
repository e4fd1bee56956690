import { z } from "zod";

export const roles = ["user", "admin"] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as proven by a verified access token. */
export type Principal = { userId: string; role: Role; name: string };

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
