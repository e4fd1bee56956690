import { createRoute } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { authProblems, jsonContent, UserSchema } from "../http/schemas.ts";
import { toUserResponse } from "../users/user.ts";
import { currentUser } from "./current-user.ts";

export function registerGetUser(app: UsersApp, deps: AppDeps): void {
  const route = createRoute({
    method: "get",
    path: "/user",
    summary: "The caller's account",
    tags: ["users"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken })] as const,
    responses: { 200: jsonContent(UserSchema, "The caller"), ...authProblems },
  });
  app.openapi(route, async (c) => c.json(toUserResponse(await currentUser(c, deps)), 200));
}
