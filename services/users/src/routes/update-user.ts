import { createRoute, z } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import { jsonBody } from "@msa-board/service-kit/json-body";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { authProblems, bodyProblems, jsonContent, MAX_BODY_BYTES, nameField, newPasswordField, UserSchema } from "../http/schemas.ts";
import { AccountChanges } from "../users/account-changes.ts";
import { toUserResponse } from "../users/user.ts";
import { accountGone } from "./current-user.ts";

// Strict: `role`, `email` or any other field is a 400 naming it — a role is only ever set by ADMIN_EMAIL.
const UpdateUserSchema = z
  .strictObject({ name: nameField.optional(), password: newPasswordField.optional() })
  .refine((body) => body.name !== undefined || body.password !== undefined, {
    message: "Send at least one of name, password",
  })
  .openapi("UpdateUser", { minProperties: 1 });

export function registerUpdateUser(app: UsersApp, deps: AppDeps): void {
  const route = createRoute({
    method: "patch",
    path: "/user",
    summary: "Change the caller's name and/or password; emits user.updated",
    tags: ["users"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken }), jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
    request: { body: { required: true, content: { "application/json": { schema: UpdateUserSchema } } } },
    responses: { 200: jsonContent(UserSchema, "The updated account"), ...bodyProblems, ...authProblems },
  });
  const changes = new AccountChanges(deps.db, deps.events);

  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const passwordHash = body.password === undefined ? undefined : await deps.passwords.hash(body.password);
    const user = await changes.update(c.get("principal").userId, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    if (!user) throw accountGone();
    return c.json(toUserResponse(user), 200);
  });
}
