import { createRoute, z } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { ResolvedAppDeps, UsersApp } from "../app-types.ts";
import {
  authProblems,
  bodyProblems,
  jsonContent,
  MAX_BODY_BYTES,
  nameField,
  newPasswordField,
  problem,
  UserSchema,
} from "../http/schemas.ts";
import { AccountChanges } from "../users/account-changes.ts";
import { toUserResponse } from "../users/user.ts";
import { UsersRepository } from "../users/users-repository.ts";
import { accountGone } from "./current-user.ts";
import { refuseWhileLocked } from "./login.ts";

// Strict: `role`, `email` or any other field is a 400 naming it — a role is only ever set by ADMIN_EMAIL.
// A new password needs the current one: a stolen access token (5 minutes) must not become the account.
const UpdateUserSchema = z
  .strictObject({
    name: nameField.optional(),
    password: newPasswordField.optional(),
    currentPassword: z.string().min(1).max(128).optional().openapi({ format: "password", description: "Required with `password`" }),
  })
  .superRefine((body, ctx) => {
    if (body.name === undefined && body.password === undefined) {
      ctx.addIssue({ code: "custom", message: "Send at least one of name, password" });
    }
    if (body.password !== undefined && body.currentPassword === undefined) {
      ctx.addIssue({ code: "custom", path: ["currentPassword"], message: "Required to change the password" });
    }
  })
  // The rules above stated in the document too (the generator passes them through), so schema-driven
  // clients and fuzzers know them: a name or a password, and a password only with the current one.
  .openapi("UpdateUser", {
    minProperties: 1,
    ...({ anyOf: [{ required: ["name"] }, { required: ["password"] }], dependentRequired: { password: ["currentPassword"] } } as object),
  });

/** 403, not 401: the access token is fine (a 401 would tell clients to refresh or log in again). */
const wrongCurrentPassword = () => new ProblemError("forbidden", "The current password is not correct.");

export function registerUpdateUser(app: UsersApp, deps: ResolvedAppDeps): void {
  const route = createRoute({
    method: "patch",
    path: "/user",
    summary: "Change the caller's name and/or password; emits user.updated",
    description:
      "A new `password` needs `currentPassword` (missing: 400; wrong: 403, counted like a failed login for the account, " +
      "so it is throttled the same way: 429). A password change ends every session of the account (all refresh tokens " +
      "are revoked; log in again); access tokens already issued expire on their own within 5 minutes.",
    tags: ["users"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken }), jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
    request: { body: { required: true, content: { "application/json": { schema: UpdateUserSchema } } } },
    responses: {
      200: jsonContent(UserSchema, "The updated account"),
      ...bodyProblems,
      ...authProblems,
      403: problem("`currentPassword` is not the account's password"),
      429: problem("Too many wrong passwords for this account: try again after `retry-after` seconds"),
    },
  });
  const changes = new AccountChanges(deps.db, deps.events);
  const users = new UsersRepository(deps.db);

  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("principal").userId;
    let passwordHash: string | undefined;
    if (body.password !== undefined) {
      const current = await users.findById(userId);
      if (!current) throw accountGone();
      await checkCurrentPassword(deps, current.email, body.currentPassword ?? "");
      passwordHash = await deps.passwords.hash(body.password);
    }
    const user = await changes.update(userId, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    if (!user) throw accountGone();
    return c.json(toUserResponse(user), 200);
  });
}

async function checkCurrentPassword(deps: ResolvedAppDeps, email: string, password: string): Promise<void> {
  await refuseWhileLocked(deps.loginThrottle, email);
  const credentials = await new UsersRepository(deps.db).findCredentials(email);
  if (!credentials) throw accountGone();
  if (!(await deps.passwords.verify(password, credentials.passwordHash))) {
    deps.logger.info("password change refused: wrong current password");
    throw wrongCurrentPassword();
  }
  await deps.loginThrottle.succeeded(email);
}
