import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { jsonContent } from "../http/schemas.ts";

const JwkSchema = z
  .object({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z.string(),
    kid: z.string(),
    alg: z.literal("EdDSA"),
    use: z.literal("sig"),
  })
  .openapi("PublicJwk");

const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi("Jwks");

export const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  summary: "Public keys that verify access tokens (active and recently retired)",
  tags: ["keys"],
  responses: { 200: jsonContent(JwksSchema, "The JSON Web Key Set") },
});

export function registerJwks(app: UsersApp, { keys }: AppDeps): void {
  app.openapi(jwksRoute, async (c) => {
    // Short: verifiers refetch on an unknown kid anyway, and a rotation should reach caches quickly.
    c.header("cache-control", "public, max-age=60");
    return c.json((await keys.jwks()) as z.infer<typeof JwksSchema>, 200);
  });
}
