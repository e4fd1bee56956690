import {
  base64url,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from "jose";

export type TestTokens = {
  jwks: JSONWebKeySet;
  keys: JWTVerifyGetKey;
  sign: (
    claims: Partial<JWTPayload> & { sub: string; role?: string; name?: string },
    options?: { expiresIn?: string | number },
  ) => Promise<string>;
  /** Tokens every protected route must refuse with 401, by the attack they stand for. */
  forged: (claims: { sub: string; role?: string; name?: string }) => Promise<Record<string, string>>;
};

/** A real Ed25519 key pair and signer shaped like the users service's tokens. */
export async function createTestTokens({ issuer, audience }: { issuer: string; audience: string }): Promise<TestTokens> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = `test-${crypto.randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  const jwks: JSONWebKeySet = { keys: [publicJwk] };

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
    const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));

    const foreign = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const foreignToken = await new SignJWT({ role: "admin", name: "Mallory", ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime("15m")
      .sign(foreign.privateKey);

    const hmacKey = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(JSON.stringify(publicJwk)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const hsInput = `${encode({ alg: "HS256", kid, typ: "JWT" })}.${payload}`;
    const hsSignature = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(hsInput)));

    return {
      "alg none": `${encode({ alg: "none", typ: "JWT" })}.${payload}.`,
      "HS256 signed with the public key": `${hsInput}.${base64url.encode(hsSignature)}`,
      "foreign key": foreignToken,
      "tampered claims": `${header}.${encode({ ...decoded, role: "admin", sub: "someone-else" })}.${signature}`,
      expired: await sign(claims, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      "wrong issuer": await new SignJWT({ role: "user", name: "x", ...claims })
        .setProtectedHeader({ alg: "EdDSA", kid })
        .setIssuer("https://evil.example")
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("15m")
        .sign(privateKey),
      garbage: "not.a.token",
    };
  };

  return { jwks, keys: createLocalJWKSet(jwks), sign, forged };
}
