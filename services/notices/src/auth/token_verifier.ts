import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { ProblemError } from "../http/problem.ts";

/** The only algorithm users signs with; `none`, HS256 keyed with a public key and the rest are refused. */
export const ACCESS_TOKEN_ALGORITHMS = ["EdDSA"];

export const principalClaims = z.object({
  sub: z.string().min(1),
  role: z.enum(["user", "admin"]),
  name: z.string(),
});

export type Principal = { userId: string; role: "user" | "admin"; name: string };

/** Resolves to the caller, or throws a 401 ProblemError saying what was wrong with the token. */
export type TokenVerifier = (token: string) => Promise<Principal>;

export type TokenVerifierOptions = {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  clock?: () => Date;
};

export function createTokenVerifier({ keys, issuer, audience, clock }: TokenVerifierOptions): TokenVerifier {
  return async function verifyAccessToken(token) {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        issuer,
        audience,
        requiredClaims: ["sub", "iat", "exp"],
        ...(clock ? { currentDate: clock() } : {}),
      }));
    } catch (err) {
      throw tokenProblem(err);
    }
    const claims = principalClaims.safeParse(payload);
    if (!claims.success) {
      throw new ProblemError("unauthorized", "The access token lacks the claims this service needs.", {
        headers: invalidTokenChallenge,
      });
    }
    return { userId: claims.data.sub, role: claims.data.role, name: claims.data.name };
  };
}

const invalidTokenChallenge = { "www-authenticate": 'Bearer error="invalid_token"' };

/** Why a token was refused (401) — or 503 when the keys to check it could not be had. */
function tokenProblem(err: unknown): ProblemError {
  if (keysUnavailable(err)) {
    return new ProblemError("unavailable", "The keys that verify access tokens cannot be fetched right now.", {
      headers: { "retry-after": "5" },
    });
  }
  const unauthorized = (detail: string) => new ProblemError("unauthorized", detail, { headers: invalidTokenChallenge });
  if (err instanceof errors.JWTExpired) return unauthorized("The access token has expired.");
  if (err instanceof errors.JWTClaimValidationFailed) {
    return unauthorized("The access token's claims are not valid here.");
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return unauthorized("The access token's algorithm is not accepted.");
  if (err instanceof errors.JWKSNoMatchingKey) return unauthorized("The access token was not signed by a known key.");
  return unauthorized("The access token is not valid.");
}

/** The JWKS endpoint timed out, answered non-200 or non-JWKS, or could not be reached at all. */
function keysUnavailable(err: unknown): boolean {
  return err instanceof errors.JWKSTimeout ||
    err instanceof errors.JWKSInvalid ||
    err instanceof TypeError ||
    (err instanceof errors.JOSEError && err.code === "ERR_JOSE_GENERIC");
}

export type RemoteKeySetOptions = { cooldownMs?: number; timeoutMs?: number; cacheMaxAgeMs?: number };

/**
 * The users service's published keys, fetched on first use and cached; a token with an unknown
 * `kid` triggers a refetch (at most once per cooldown), so key rotation needs no restart here.
 */
export function remoteKeySet(jwksUrl: string, options: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 10_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: options.timeoutMs ?? 3_000,
  });
}
