import { z } from "@hono/zod-openapi";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { ResolvedAppDeps } from "../app-types.ts";
import type { User } from "../users/user.ts";

/** What login and refresh answer (contract): a short-lived access token and its refresh token. */
export const SessionTokensSchema = z
  .object({
    accessToken: z.string().openapi({ description: "EdDSA JWT; `kid` in the header; lives at most 5 minutes" }),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires", example: 300 }),
    refreshToken: z.string().openapi({
      description:
        "Opaque, single use: exchange it at POST /token/refresh for new tokens (it rotates every time; " +
        "presenting a used one ends the whole session). End the session with POST /logout.",
    }),
  })
  .openapi("SessionTokens");

export type SessionTokens = z.infer<typeof SessionTokensSchema>;

/** A refresh token in a request body: any non-empty string up to a sane bound; unknown ones are a 401. */
export const RefreshTokenBodySchema = z
  .strictObject({ refreshToken: z.string().min(1).max(512).openapi({ example: "q5Jc…(43 characters)" }) })
  .openapi("RefreshTokenRequest");

export async function sessionTokens(deps: Pick<ResolvedAppDeps, "issueToken">, user: User, refreshToken: string): Promise<SessionTokens> {
  return { ...(await deps.issueToken(user)), refreshToken };
}

/** Every refused refresh is one answer: which check failed (unknown, expired, reused) is not the client's business. */
export const refreshRefused = () =>
  new ProblemError("unauthorized", "The refresh token is not valid (unknown, expired, already used or revoked); log in again.", {
    headers: { "www-authenticate": 'Bearer error="invalid_token"' },
  });
