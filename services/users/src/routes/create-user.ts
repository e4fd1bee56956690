import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { AppDeps, UsersApp } from "../app-types.ts";
import {
  bodyProblems,
  emailField,
  jsonContent,
  MAX_BODY_BYTES,
  nameField,
  newPasswordField,
  problem,
  UserSchema,
} from "../http/schemas.ts";
import { toUserResponse } from "../users/user.ts";
import { UsersRepository } from "../users/users-repository.ts";

const SignUpSchema = z.strictObject({ email: emailField, password: newPasswordField, name: nameField }).openapi("SignUp");

export const createUserRoute = createRoute({
  method: "post",
  path: "/users",
  summary: "Sign up",
  tags: ["users"],
  middleware: [jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
  request: { body: { required: true, content: { "application/json": { schema: SignUpSchema } } } },
  responses: {
    201: jsonContent(UserSchema, "The new account (role `user`)"),
    ...bodyProblems,
    409: problem("An account with this email exists (compared case-insensitively)"),
  },
});

export function registerCreateUser(app: UsersApp, { db, passwords }: AppDeps): void {
  app.openapi(createUserRoute, async (c) => {
    const input = c.req.valid("json");
    const passwordHash = await passwords.hash(input.password);
    const user = await new UsersRepository(db).create({ email: input.email, name: input.name, passwordHash });
    if (!user) throw new ProblemError("conflict", "An account with this email already exists.");
    return c.json(toUserResponse(user), 201);
  });
}
