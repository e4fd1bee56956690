import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ProblemError } from "../http/problem.ts";
import { accessTokenClaims, type Principal } from "./principal.ts";

/** Only the algorithm users signs with; anything else (none, HS256 with a public key…) is refused. */
export const ACCESS_TOKEN_ALGORITHMS = ["EdDSA"];

export type TokenVerifier = (token: string) => Promise<Principal>;

export type TokenVerifierOptions = {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  clock?: () => Date;
};

export function createTokenVerifier({ keys, issuer, audience, clock }: TokenVerifierOptions): TokenVerifier {
  return async function verifyAccessToken(token) {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        issuer,
        audience,
        ...(clock ? { currentDate: clock() } : {}),
      });
      const claims = accessTokenClaims.safeParse(payload);
      if (!claims.success) throw new ProblemError("unauthorized", "The access token is missing required claims.");
      return { userId: claims.data.sub, role: claims.data.role, name: claims.data.name, issuedAt: new Date(claims.data.iat * 1000) };
    } catch (err) {
      if (err instanceof ProblemError) throw err;
      throw new ProblemError("unauthorized", describeTokenError(err));
    }
  };
}

function describeTokenError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "The access token has expired.";
  if (err instanceof errors.JWTClaimValidationFailed) return "The access token's claims are not valid here.";
  if (err instanceof errors.JOSEAlgNotAllowed) return "The access token's algorithm is not accepted.";
  if (err instanceof errors.JWKSNoMatchingKey) return "The access token was not signed by a known key.";
  if (err instanceof errors.JWKSTimeout || (err instanceof Error && err.name === "TypeError")) {
    return "The keys that verify access tokens could not be fetched.";
  }
  return "The access token is not valid.";
}

/**
 * The users service's published keys, cached; an unknown `kid` triggers a refetch (rate-limited by
 * the cooldown), which is what lets users rotate keys without restarting its consumers.
 */
export function remoteKeySet(jwksUrl: string, options: { cooldownMs?: number; timeoutMs?: number } = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 10_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: options.timeoutMs ?? 3_000,
  });
}
