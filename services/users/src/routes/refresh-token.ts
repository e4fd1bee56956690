import { createRoute } from "@hono/zod-openapi";
import { jsonBody } from "@msa-board/service-kit/json-body";
import type { ResolvedAppDeps, UsersApp } from "../app-types.ts";
import { bodyProblems, jsonContent, MAX_BODY_BYTES, problem } from "../http/schemas.ts";
import { UsersRepository } from "../users/users-repository.ts";
import { RefreshTokenBodySchema, refreshRefused, SessionTokensSchema, sessionTokens } from "./session-tokens.ts";

export const refreshTokenRoute = createRoute({
  method: "post",
  path: "/token/refresh",
  summary: "Exchange a refresh token for a new access token and a new refresh token (rotation)",
  description:
    "Each refresh token works once. Presenting one that was already exchanged revokes its whole session " +
    "(every token descended from the same login), so a stolen token stops working for the thief and the owner alike. " +
    "Clients must not send two refreshes of one token at the same time: only one can succeed.",
  tags: ["users"],
  middleware: [jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
  request: { body: { required: true, content: { "application/json": { schema: RefreshTokenBodySchema } } } },
  responses: {
    200: jsonContent(SessionTokensSchema, "New tokens; the presented refresh token is now used up"),
    ...bodyProblems,
    401: problem("Unknown, expired, already used (the session is now revoked) or revoked refresh token"),
  },
});

export function registerRefreshToken(app: UsersApp, deps: ResolvedAppDeps): void {
  const users = new UsersRepository(deps.db);
  app.openapi(refreshTokenRoute, async (c) => {
    const exchange = await deps.refreshTokens.exchange(c.req.valid("json").refreshToken);
    if ("refused" in exchange) {
      if (exchange.refused === "reused") deps.logger.warn("refresh token reused; its session is revoked");
      throw refreshRefused();
    }
    // The account may have been deleted a moment ago (its sessions go with it, but not inside this transaction).
    const user = await users.findById(exchange.userId);
    if (!user) throw refreshRefused();
    c.header("cache-control", "no-store");
    return c.json(await sessionTokens(deps, user, exchange.refreshToken), 200);
  });
}
