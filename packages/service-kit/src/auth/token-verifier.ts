import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ProblemError } from "../http/problem.ts";
import { accessTokenClaims, type Principal } from "./principal.ts";

/** Only the algorithm users signs with; anything else (none, HS256 with a public key…) is refused. */
export const ACCESS_TOKEN_ALGORITHMS = ["EdDSA"];

/** Resolves to the caller, or throws a 401 ProblemError saying what was wrong with the token (503: see below). */
export type TokenVerifier = (token: string) => Promise<Principal>;

export type TokenVerifierOptions = {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  clock?: () => Date;
};

/** The challenge every 401 for a presented token carries (RFC 6750 §3). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/** Seconds a client should wait before retrying while the key set cannot be had. */
const KEYS_RETRY_AFTER_SECONDS = 5;

/** The key set could not be had at all: nothing is known about the token. */
class KeysUnavailable extends Error {
  override name = "KeysUnavailable";
}

/**
 * Verifies an access token against `keys`.
 *
 * The one rule for an unreachable key set (the JWKS endpoint down, slow, answering non-JWKS, or
 * the users database away): **503 `unavailable` with `Retry-After`**, never 401. The token may be
 * perfectly valid; a 401 would tell the client to throw it away and sign in again, and would hide an
 * outage of ours as a client error. Tokens whose keys are cached keep verifying during the outage.
 * Anything wrong with the token itself is 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
 */
export function createTokenVerifier({ keys, issuer, audience, clock }: TokenVerifierOptions): TokenVerifier {
  const resolveKey: JWTVerifyGetKey = async (header, token) => {
    // The contract's tokens always name their key; one without a `kid` is not ours.
    if (typeof header.kid !== "string" || header.kid === "") throw new errors.JWKSNoMatchingKey();
    try {
      return await keys(header, token);
    } catch (err) {
      if (isTokenKeyError(err)) throw err;
      throw new KeysUnavailable("the key set could not be fetched", { cause: err });
    }
  };
  return async function verifyAccessToken(token) {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, resolveKey, {
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        issuer,
        audience,
        requiredClaims: ["sub", "iat", "exp"],
        ...(clock ? { currentDate: clock() } : {}),
      }));
    } catch (err) {
      throw tokenProblem(err);
    }
    const claims = accessTokenClaims.safeParse(payload);
    if (!claims.success) throw invalidToken("The access token is missing required claims.");
    return { userId: claims.data.sub, role: claims.data.role, name: claims.data.name, issuedAt: new Date(claims.data.iat * 1000) };
  };
}

/** Errors a key set raises because of the token (no such key, ambiguous, unusable): the token's fault. */
function isTokenKeyError(err: unknown): boolean {
  return (
    err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported
  );
}

const invalidToken = (detail: string) =>
  new ProblemError("unauthorized", detail, { headers: { "www-authenticate": INVALID_TOKEN_CHALLENGE } });

function tokenProblem(err: unknown): ProblemError {
  if (err instanceof KeysUnavailable) {
    return new ProblemError("unavailable", "The keys that verify access tokens cannot be fetched right now; try again shortly.", {
      headers: { "retry-after": String(KEYS_RETRY_AFTER_SECONDS) },
      cause: err.cause,
    });
  }
  if (err instanceof errors.JWTExpired) return invalidToken("The access token has expired.");
  if (err instanceof errors.JWTClaimValidationFailed) return invalidToken("The access token's claims are not valid here.");
  if (err instanceof errors.JOSEAlgNotAllowed) return invalidToken("The access token's algorithm is not accepted.");
  if (err instanceof errors.JWKSNoMatchingKey) return invalidToken("The access token was not signed by a known key.");
  return invalidToken("The access token is not valid.");
}

export type RemoteKeySetOptions = { cooldownMs?: number; timeoutMs?: number; cacheMaxAgeMs?: number };

/**
 * The users service's published keys, cached; an unknown `kid` triggers a refetch (rate-limited by
 * the cooldown), which is what lets users rotate keys without restarting its consumers.
 */
export function remoteKeySet(jwksUrl: string, options: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 10_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: options.timeoutMs ?? 3_000,
  });
}
