import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { ResolvedAppDeps, UsersApp } from "../app-types.ts";
import { bodyProblems, jsonContent, MAX_BODY_BYTES, problem } from "../http/schemas.ts";
import { UsersRepository } from "../users/users-repository.ts";
import { SessionTokensSchema, sessionTokens } from "./session-tokens.ts";

// Login takes any email-ish string and any password up to the sign-up bound: a shape error is a 400,
// everything else is the same 401, whichever part was wrong.
const LoginSchema = z
  .strictObject({
    email: z.string().trim().toLowerCase().min(1).max(254).openapi({ example: "ada@example.com" }),
    password: z.string().min(1).max(128).openapi({ format: "password" }),
  })
  .openapi("Login");

export const loginRoute = createRoute({
  method: "post",
  path: "/login",
  summary: "Log in: exchange email and password for an access token and a refresh token",
  description:
    "After LOGIN_LOCKOUT_AFTER_FAILURES (5) failed attempts for one email, each further failure locks that email for a " +
    "while (doubling, at most LOGIN_LOCKOUT_MAX_SECONDS, 15 min): attempts meanwhile get a 429 with retry-after and do not " +
    "count. Unknown emails are treated exactly like real ones.",
  tags: ["users"],
  middleware: [jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
  request: { body: { required: true, content: { "application/json": { schema: LoginSchema } } } },
  responses: {
    200: jsonContent(SessionTokensSchema, "Tokens for a new session"),
    ...bodyProblems,
    401: problem("Wrong email or password (one answer for both)"),
    429: problem("Too many failed logins for this email: try again after `retry-after` seconds"),
  },
});

const WRONG_CREDENTIALS = "The email or password is not correct.";

export function registerLogin(app: UsersApp, deps: ResolvedAppDeps): void {
  const { db, passwords, logger, loginThrottle, refreshTokens } = deps;
  app.openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    await refuseWhileLocked(loginThrottle, email);
    const users = new UsersRepository(db);
    const found = await users.findCredentials(email);
    // An unknown email still costs one argon2id verification, so timing does not tell which part was wrong.
    const ok = found ? await passwords.verify(password, found.passwordHash) : await passwords.verifyDummy(password);
    if (!found || !ok) {
      logger.info("login refused");
      throw new ProblemError("unauthorized", WRONG_CREDENTIALS);
    }
    await loginThrottle.succeeded(email);
    if (passwords.needsRehash(found.passwordHash)) {
      await users.replacePasswordHash(found.user.id, found.passwordHash, await passwords.hash(password));
    }
    c.header("cache-control", "no-store");
    return c.json(await sessionTokens(deps, found.user, await refreshTokens.start(found.user.id)), 200);
  });
}

/** Counts the attempt; while the email is locked, answers 429 without looking at the password. */
export async function refuseWhileLocked(throttle: ResolvedAppDeps["loginThrottle"], email: string): Promise<void> {
  const attempt = await throttle.attempt(email);
  if (attempt.allowed) return;
  throw new ProblemError("rate-limited", `Too many failed attempts for this account; try again in ${attempt.retryAfterSeconds} seconds.`, {
    headers: { "retry-after": String(attempt.retryAfterSeconds) },
  });
}
