import { expect, test } from "bun:test";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BEARER_SCHEME, publishApiDocument } from "./openapi.ts";

test("the published document declares the bearer scheme that protected routes name, and the shared rules", async () => {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: "get",
      path: "/mine",
      security: [{ [BEARER_SCHEME]: [] }],
      responses: { 200: { description: "ok", content: { "application/json": { schema: z.object({ ok: z.boolean() }) } } } },
    }),
    (c) => c.json({ ok: true }, 200),
  );
  publishApiDocument(app, { service: "things", tokenIssuer: "users", summary: "Things." });
  const doc = await (await app.request("/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(doc.info.title).toBe("msa-board things");
  expect(doc.info.description).toStartWith("Things. Errors are application/problem+json");
  const [requirement] = doc.paths["/mine"].get.security;
  for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme]).toMatchObject({ scheme: "bearer" });
  expect(doc.components.securitySchemes[BEARER_SCHEME].bearerFormat).toContain("from the users service");
});
