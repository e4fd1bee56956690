import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/**
 * An EdDSA signing key like the users service's, its JWKS, and token makers for the good and the
 * forged cases.
 */

type Claims = { sub?: string; role?: string; name?: string; iss?: string; aud?: string; exp?: number; iat?: number };

export interface TokenKit {
  jwks: { keys: JWK[] };
  valid(claims?: Claims): Promise<string>;
  /** Same `kid`, different private key: a signature that must not verify. */
  wrongKey(claims?: Claims): Promise<string>;
  /** `alg: none`, no signature at all. */
  unsigned(claims?: Claims): string;
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export const createTokenKit = async (issuer: string, audience: string): Promise<TokenKit> => {
  const kid = `test-${crypto.randomUUID()}`;
  const key = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const other = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const publicJwk = { ...(await exportJWK(key.publicKey)), kid, alg: "EdDSA", use: "sig" };

  const claimsWithDefaults = (claims: Claims = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub: "user-1", role: "user", name: "Test User", iss: issuer, aud: audience, iat: now, exp: now + 900, ...claims };
  };
  const sign = (privateKey: CryptoKey, claims?: Claims) =>
    new SignJWT(claimsWithDefaults(claims)).setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" }).sign(privateKey);

  return {
    jwks: { keys: [publicJwk] },
    valid: (claims) => sign(key.privateKey, claims),
    wrongKey: (claims) => sign(other.privateKey, claims),
    unsigned: (claims) => `${b64url({ alg: "none", typ: "JWT", kid })}.${b64url(claimsWithDefaults(claims))}.`,
  };
};
