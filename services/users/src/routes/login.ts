import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { bodyProblems, jsonContent, MAX_BODY_BYTES, problem } from "../http/schemas.ts";
import { UsersRepository } from "../users/users-repository.ts";

// Login takes any email-ish string and any password up to the sign-up bound: a shape error is a 400,
// everything else is the same 401, whichever part was wrong.
const LoginSchema = z
  .strictObject({
    email: z.string().trim().toLowerCase().min(1).max(254).openapi({ example: "ada@example.com" }),
    password: z.string().min(1).max(128).openapi({ format: "password" }),
  })
  .openapi("Login");

const AccessTokenSchema = z
  .object({
    accessToken: z.string().openapi({ description: "EdDSA JWT; `kid` in the header" }),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the token expires", example: 900 }),
  })
  .openapi("AccessToken");

export const loginRoute = createRoute({
  method: "post",
  path: "/login",
  summary: "Log in: exchange email and password for an access token",
  tags: ["users"],
  middleware: [jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
  request: { body: { required: true, content: { "application/json": { schema: LoginSchema } } } },
  responses: {
    200: jsonContent(AccessTokenSchema, "An access token for the account"),
    ...bodyProblems,
    401: problem("Wrong email or password (one answer for both)"),
  },
});

const WRONG_CREDENTIALS = "The email or password is not correct.";

export function registerLogin(app: UsersApp, { db, passwords, issueToken, logger }: AppDeps): void {
  app.openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    const users = new UsersRepository(db);
    const found = await users.findCredentials(email);
    // An unknown email still costs one argon2id verification, so timing does not tell which part was wrong.
    const ok = found ? await passwords.verify(password, found.passwordHash) : await passwords.verifyDummy(password);
    if (!found || !ok) {
      logger.info("login refused");
      throw new ProblemError("unauthorized", WRONG_CREDENTIALS);
    }
    if (passwords.needsRehash(found.passwordHash)) {
      await users.replacePasswordHash(found.user.id, found.passwordHash, await passwords.hash(password));
    }
    c.header("cache-control", "no-store");
    return c.json(await issueToken(found.user), 200);
  });
}
