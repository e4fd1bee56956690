import { z } from "@hono/zod-openapi";

/** The RFC 9457 body every error uses, as it appears in each service's OpenAPI document. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://msa-board.dev/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** An OpenAPI response that is a problem document. */
export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** An OpenAPI JSON request or response body. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** The security scheme every protected operation names: `security: [{ [BEARER_SCHEME]: [] }]`. */
export const BEARER_SCHEME = "bearerAuth";

/** What every service's document says about its errors and bodies, after the service's own summary. */
const SHARED_RULES = "Errors are application/problem+json (RFC 9457). Request bodies are strict: unknown fields are a 400.";

/** Just what `publishApiDocument` needs of an OpenAPIHono app, so Bun and Deno services pass their own. */
type DocumentedApp = {
  openAPIRegistry: {
    registerComponent(type: "securitySchemes", name: string, component: { type: "http"; scheme: string; bearerFormat: string }): unknown;
  };
  doc31(path: string, config: { openapi: string; info: { title: string; version: string; description: string } }): unknown;
};

/**
 * Serves the service's OpenAPI 3.1 document at `/openapi.json`, with the bearer scheme its
 * protected routes name, so every service describes auth and errors the same way.
 */
export function publishApiDocument(
  app: DocumentedApp,
  o: { service: string; summary: string; tokenIssuer?: string; version?: string },
): void {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    bearerFormat: o.tokenIssuer ? `JWT (EdDSA, from the ${o.tokenIssuer} service)` : "JWT (EdDSA)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: `msa-board ${o.service}`, version: o.version ?? "0.1.0", description: `${o.summary} ${SHARED_RULES}` },
  });
}
