import { jsonBody } from "@msa-board/service-kit/json-body";
import { PROBLEM_CONTENT_TYPE, type ProblemBody, type ProblemCode, ProblemError, problemBody } from "@msa-board/service-kit/problem";
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { AppDeps } from "../app-types.ts";
import { clearSessionCookies, refreshTokenOf, setSessionCookies } from "../session/cookies.ts";
import { CSRF_HEADER, csrfTokenFor, csrfTokenMatches, requireSameOrigin } from "../session/csrf.ts";
import { type UsersReply, UsersUnreachableError } from "../session/users-client.ts";

/**
 * `/session`: the browser's side of users' tokens. The access token goes to the page (which keeps
 * it in memory only); the refresh token never does — it lives in an HttpOnly cookie, and every
 * call that uses it needs the CSRF header that only the board's own pages can produce.
 */

const LoginBody = z.strictObject({ email: z.string().min(1).max(254), password: z.string().min(1).max(128) });

/** users' token pair as the contract has it; `refreshToken` is optional until users issues one. */
const TokenPair = z.object({
  accessToken: z.string().min(1),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int().positive(),
  refreshToken: z.string().min(1).optional(),
});

const isProblem = (body: unknown): body is ProblemBody =>
  typeof body === "object" && body !== null && typeof (body as ProblemBody).status === "number" && "title" in body;

/** Through the context, so cookies set or cleared on it go out with the problem. */
const problem = (c: Context, code: ProblemCode, detail: string) => {
  const body = problemBody(code, detail);
  return c.body(JSON.stringify(body), body.status as 400, { "content-type": PROBLEM_CONTENT_TYPE });
};

/** users' own problem (wrong password, rate limit, validation) reaches the page unchanged. */
function passOn(c: Context, reply: UsersReply): Response {
  if (!isProblem(reply.body)) return problem(c, "unavailable", "The users service gave no usable answer; try again shortly.");
  if (reply.retryAfter) c.header("retry-after", reply.retryAfter);
  return c.body(JSON.stringify(reply.body), reply.status as 400, { "content-type": PROBLEM_CONTENT_TYPE });
}

async function callUsers(call: () => Promise<UsersReply>): Promise<UsersReply> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UsersUnreachableError) {
      throw new ProblemError("unavailable", "The users service cannot be reached right now; try again shortly.", {
        headers: { "retry-after": "1" },
      });
    }
    throw err;
  }
}

function startSession(c: Context, deps: AppDeps, reply: UsersReply): Response {
  const tokens = TokenPair.safeParse(reply.body);
  if (!tokens.success) return problem(c, "unavailable", "The users service answered with an unexpected token shape.");
  const { accessToken, tokenType, expiresIn, refreshToken } = tokens.data;
  if (refreshToken) {
    setSessionCookies(c, { refreshToken, csrfToken: csrfTokenFor(deps.csrfSecret, refreshToken) }, deps.sessionCookieMaxAgeSeconds);
  }
  c.header("cache-control", "no-store");
  return c.json({ accessToken, tokenType, expiresIn, refreshable: refreshToken !== undefined }, 200);
}

const sessionEnded = (c: Context, detail: string) => {
  clearSessionCookies(c);
  return problem(c, "unauthorized", detail);
};

export function registerSession(app: Hono, deps: AppDeps): void {
  // Renewing and ending a session take no body: the cookie and the CSRF header are the request.
  app.post("/session", requireSameOrigin(), jsonBody({ maxBytes: 8 * 1024 }), async (c) => {
    const parsed = LoginBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      throw new ProblemError("validation", "Send an email and a password.", {
        errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message })),
      });
    }
    const reply = await callUsers(() => deps.users.login(parsed.data));
    return reply.status === 200 ? startSession(c, deps, reply) : passOn(c, reply);
  });

  app.post("/session/refresh", requireSameOrigin(), async (c) => {
    const refreshToken = refreshTokenOf(c);
    if (!refreshToken) return sessionEnded(c, "There is no session to renew; log in.");
    if (!csrfTokenMatches(deps.csrfSecret, refreshToken, c.req.header(CSRF_HEADER))) {
      throw new ProblemError("forbidden", `The ${CSRF_HEADER} header is missing or does not belong to this session.`);
    }
    const reply = await callUsers(() => deps.users.refresh(refreshToken));
    if (reply.status === 200) return startSession(c, deps, reply);
    // A busy or restarting users keeps the session; anything else means the token is gone.
    if (reply.status === 429 || reply.status >= 500) return passOn(c, reply);
    return sessionEnded(c, "Your session has ended; log in again.");
  });

  app.post("/session/logout", requireSameOrigin(), async (c) => {
    const refreshToken = refreshTokenOf(c);
    if (refreshToken) {
      if (!csrfTokenMatches(deps.csrfSecret, refreshToken, c.req.header(CSRF_HEADER))) {
        throw new ProblemError("forbidden", `The ${CSRF_HEADER} header is missing or does not belong to this session.`);
      }
      const reply = await callUsers(() => deps.users.logout(refreshToken));
      if (reply.status !== 204 && reply.status !== 200)
        deps.logger.warn("users did not revoke the refresh token", { status: reply.status });
    }
    clearSessionCookies(c);
    return c.body(null, 204);
  });
}
