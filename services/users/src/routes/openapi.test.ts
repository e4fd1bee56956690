import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_openapi" });
});
afterAll(() => h?.close());

describe("GET /openapi.json", () => {
  test("documents every route with its schemas, problems and bearer security", async () => {
    const res = await h.call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/.well-known/jwks.json",
      "/healthz",
      "/livez",
      "/login",
      "/logout",
      "/token/refresh",
      "/user",
      "/users",
    ]);
    expect(Object.keys(doc.paths["/user"]).sort()).toEqual(["delete", "get", "patch"]);
    expect(doc.paths["/user"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/users"].post.responses["409"].content["application/problem+json"]).toBeDefined();
    expect(doc.components.schemas.User.properties).toHaveProperty("createdAt");
    expect(doc.components.schemas.User.properties).not.toHaveProperty("passwordHash");
    expect(doc.components.schemas.SignUp.additionalProperties).toBe(false);
    expect(doc.components.schemas.SignUp.properties.email.maxLength).toBe(254);
    expect(doc.components.schemas.UpdateUser.properties).not.toHaveProperty("role");
    // Sessions (contract): login and refresh answer the same shape; refresh and logout are public.
    expect(doc.components.schemas.SessionTokens.required.sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType"]);
    expect(doc.paths["/login"].post.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/SessionTokens");
    expect(doc.paths["/token/refresh"].post.responses["200"].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/SessionTokens",
    );
    expect(doc.paths["/token/refresh"].post.responses["401"].content["application/problem+json"]).toBeDefined();
    expect(doc.paths["/login"].post.responses["429"].content["application/problem+json"]).toBeDefined();
    expect(doc.paths["/logout"].post.responses["204"]).toBeDefined();
    expect(doc.paths["/logout"].post.security).toBeUndefined();
    expect(doc.components.schemas.UpdateUser.properties).toHaveProperty("currentPassword");
    expect(doc.components.schemas.UpdateUser.dependentRequired).toEqual({ password: ["currentPassword"] });
    expect(doc.paths["/user"].patch.responses["403"]).toBeDefined();
    expect(doc.paths["/user"].delete.responses["409"]).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
