import { SignJWT } from "jose";
import type { User } from "../users/user.ts";
import { SIGNING_ALGORITHM, type SigningKeyStore } from "./signing-key-store.ts";

export type AccessToken = { accessToken: string; tokenType: "Bearer"; expiresIn: number };
export type TokenIssuer = (user: User) => Promise<AccessToken>;

export type TokenIssuerOptions = {
  keys: Pick<SigningKeyStore, "signingKey">;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clock?: () => Date;
};

/** Signs access tokens: EdDSA, `kid` in the header, claims `sub, role, name, iat, exp, iss, aud`. */
export function createTokenIssuer({ keys, issuer, audience, ttlSeconds, clock = () => new Date() }: TokenIssuerOptions): TokenIssuer {
  return async function issueAccessToken(user) {
    const { kid, key } = await keys.signingKey();
    const now = Math.floor(clock().getTime() / 1000);
    const accessToken = await new SignJWT({ role: user.role, name: user.name })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: "JWT" })
      .setSubject(user.id)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(key);
    return { accessToken, tokenType: "Bearer", expiresIn: ttlSeconds };
  };
}
