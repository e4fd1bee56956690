import {
  base64url,
  type CryptoKey,
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from "jose";

/** A key that signs like the users service: Ed25519, named by `kid`. */
export type SigningKey = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };

export type TokenClaims = Partial<JWTPayload> & { sub: string; role?: string; name?: string };

export type TestTokens = {
  /** The public half, as a JWKS endpoint would serve it. */
  jwks: JSONWebKeySet;
  /** A local key set over `jwks`, for a verifier in tests. */
  keys: JWTVerifyGetKey;
  signingKey: SigningKey;
  sign: (claims: TokenClaims, options?: { expiresIn?: string | number }) => Promise<string>;
  /**
   * Tokens every protected route must refuse with 401, by the attack they stand for. Each is made
   * for `claims` (a real caller), so that only the forgery stands between it and acceptance.
   */
  forged: (claims: { sub: string; role?: string; name?: string }) => Promise<Record<string, string>>;
};

/** A fresh Ed25519 key pair, as users makes them. */
export async function createSigningKey(kid = `test-${crypto.randomUUID()}`): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" } };
}

/**
 * Real tokens shaped like the users service's, signed by `signingKey` (a fresh one by default; a
 * service under test may hand in its own), and the forged-token kit every service is tested with.
 */
export async function createTestTokens({
  issuer,
  audience,
  signingKey,
}: {
  issuer: string;
  audience: string;
  signingKey?: SigningKey;
}): Promise<TestTokens> {
  const key = signingKey ?? (await createSigningKey());
  const { kid, privateKey } = key;
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  const now = () => Math.floor(Date.now() / 1000);

  const signWith = (signer: CryptoKey, body: JWTPayload, header: Record<string, unknown> = { alg: "EdDSA", kid, typ: "JWT" }) =>
    new SignJWT(body).setProtectedHeader(header as { alg: string }).sign(signer);

  const sign: TestTokens["sign"] = (claims, options = {}) =>
    new SignJWT({ role: "user", name: "Test User", ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "15m")
      .sign(privateKey);

  const forged: TestTokens["forged"] = async (claims) => {
    const valid = await sign(claims);
    const [header, payload, signature] = valid.split(".") as [string, string, string];
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload & { role?: string; name?: string };
    const t = now();
    const full = { ...decoded, iat: t, exp: t + 900, iss: issuer, aud: audience };

    const foreign = await createSigningKey(kid); // same kid, another key
    const stranger = await createSigningKey(); // a kid nobody published
    const hs256 = async (secret: Uint8Array) => {
      const hmac = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const input = `${encode({ alg: "HS256", kid, typ: "JWT" })}.${encode({ ...full, role: "admin" })}`;
      return `${input}.${base64url.encode(new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(input))))}`;
    };
    const { role: _role, ...withoutRole } = full;
    const { exp: _exp, ...withoutExp } = full;
    const { sub: _sub, ...withoutSub } = full;

    return {
      "malformed: not a JWT": "not-a-jwt",
      "malformed: three garbage parts": "abc.def.ghi",
      "malformed: header only": `${encode({ alg: "EdDSA", kid })}..`,
      "malformed: two parts": `${header}.${payload}`,
      "alg none": `${encode({ alg: "none", typ: "JWT" })}.${encode({ ...full, role: "admin" })}.`,
      "alg none with the trusted kid": `${encode({ alg: "none", kid, typ: "JWT" })}.${payload}.`,
      "alg none, signature kept": `${encode({ alg: "none", kid, typ: "JWT" })}.${payload}.${signature}`,
      "HS256 keyed with the public JWK": await hs256(new TextEncoder().encode(JSON.stringify(key.publicJwk))),
      "HS256 keyed with the public key PEM": await hs256(new TextEncoder().encode(await exportSPKI(key.publicKey))),
      "HS256 keyed with the raw public key bytes": await hs256(base64url.decode(String(key.publicJwk.x))),
      "foreign key under the trusted kid": await signWith(foreign.privateKey, { ...full, role: "admin" }),
      "foreign key under an unknown kid": await signWith(stranger.privateKey, full, { alg: "EdDSA", kid: stranger.kid, typ: "JWT" }),
      "attacker's key embedded in the header (jwk)": await signWith(stranger.privateKey, full, {
        alg: "EdDSA",
        kid,
        jwk: stranger.publicJwk,
      }),
      "tampered claims: role admin, signature kept": `${header}.${encode({ ...decoded, role: "admin", name: `${decoded.name ?? ""} (tampered)` })}.${signature}`,
      "tampered claims: another sub, signature kept": `${header}.${encode({ ...decoded, sub: "someone-else" })}.${signature}`,
      "tampered header: kid, signature kept": `${encode({ alg: "EdDSA", kid: "other", typ: "JWT" })}.${payload}.${signature}`,
      "signature stripped": `${header}.${payload}.`,
      "trusted key, unknown kid": await signWith(privateKey, full, { alg: "EdDSA", kid: "no-such-key", typ: "JWT" }),
      "trusted key, no kid": await signWith(privateKey, full, { alg: "EdDSA", typ: "JWT" }),
      "trusted key, expired": await signWith(privateKey, { ...full, iat: t - 3_600, exp: t - 60 }),
      "trusted key, not yet valid (nbf)": await signWith(privateKey, { ...full, nbf: t + 3_600 }),
      "trusted key, wrong issuer": await signWith(privateKey, { ...full, iss: "https://evil.example" }),
      "trusted key, wrong audience": await signWith(privateKey, { ...full, aud: "another-service" }),
      "trusted key, no exp": await signWith(privateKey, withoutExp),
      "trusted key, no sub": await signWith(privateKey, withoutSub),
      "trusted key, no role": await signWith(privateKey, withoutRole),
      "trusted key, unknown role": await signWith(privateKey, { ...full, role: "root" }),
    };
  };

  return { jwks, keys: createLocalJWKSet(jwks), signingKey: key, sign, forged };
}
