import { createRoute } from "@hono/zod-openapi";
import { jsonBody } from "@msa-board/service-kit/json-body";
import type { ResolvedAppDeps, UsersApp } from "../app-types.ts";
import { bodyProblems, MAX_BODY_BYTES } from "../http/schemas.ts";
import { RefreshTokenBodySchema } from "./session-tokens.ts";

export const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  summary: "End the session a refresh token belongs to",
  description:
    "Revokes the refresh token's whole family (every token from the same login). Idempotent: an unknown, " +
    "expired or already revoked token is also a 204, so logging out twice is not an error. Access tokens " +
    "already issued stay valid until they expire (at most 5 minutes).",
  tags: ["users"],
  middleware: [jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
  request: { body: { required: true, content: { "application/json": { schema: RefreshTokenBodySchema } } } },
  responses: { 204: { description: "The session is over" }, ...bodyProblems },
});

export function registerLogout(app: UsersApp, deps: ResolvedAppDeps): void {
  app.openapi(logoutRoute, async (c) => {
    await deps.refreshTokens.revokeFamilyOf(c.req.valid("json").refreshToken, "logout");
    return c.body(null, 204);
  });
}
