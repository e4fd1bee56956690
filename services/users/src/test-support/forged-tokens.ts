import { createTestTokens } from "@msa-board/service-kit/test-support";
import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";
import type { SigningKeyStore } from "../keys/signing-key-store.ts";
import { AUDIENCE, ISSUER } from "./harness.ts";

const encode = (value: object) => base64url.encode(JSON.stringify(value));

/**
 * Tokens every protected route must refuse, by the attack they stand for: the service-kit set (a
 * foreign key) plus attacks made with the service's own keys and a real token of `victim`.
 */
export async function forgedTokens(
  keys: SigningKeyStore,
  victim: { id: string; token: string },
  other: { id: string },
): Promise<Record<string, string>> {
  const foreign = await (await createTestTokens({ issuer: ISSUER, audience: AUDIENCE })).forged({
    sub: victim.id,
    role: "admin",
    name: "Mallory",
  });
  const { kid, key } = await keys.signingKey();
  const [header, payload, signature] = victim.token.split(".") as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
  const publicJwk = (await keys.jwks()).keys.find((k) => k.kid === kid);
  const realSign = (body: Record<string, unknown>, protectedHeader: Record<string, unknown> = { alg: "EdDSA", kid, typ: "JWT" }) =>
    new SignJWT(body).setProtectedHeader(protectedHeader as { alg: string }).sign(key);
  const attacker = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const now = Math.floor(Date.now() / 1000);
  const hs256 = async (secret: Uint8Array) => {
    const hmac = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const input = `${encode({ alg: "HS256", kid, typ: "JWT" })}.${payload}`;
    return `${input}.${base64url.encode(new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(input))))}`;
  };

  return {
    ...Object.fromEntries(Object.entries(foreign).map(([name, token]) => [`kit: ${name}`, token])),
    "alg none with the real kid": `${encode({ alg: "none", kid, typ: "JWT" })}.${payload}.`,
    "alg none, signature kept": `${encode({ alg: "none", kid, typ: "JWT" })}.${payload}.${signature}`,
    "HS256 keyed with the real public JWK": await hs256(new TextEncoder().encode(JSON.stringify(publicJwk))),
    "HS256 keyed with the real public key bytes": await hs256(base64url.decode(String(publicJwk?.x))),
    "claims tampered (role admin), real signature": `${header}.${encode({ ...claims, role: "admin" })}.${signature}`,
    "claims tampered (other sub), real signature": `${header}.${encode({ ...claims, sub: other.id })}.${signature}`,
    "header tampered (kid), real signature": `${encode({ alg: "EdDSA", kid: "other", typ: "JWT" })}.${payload}.${signature}`,
    "signature stripped": `${header}.${payload}.`,
    "expired, real key": await realSign({ ...claims, iat: now - 3_600, exp: now - 60 }),
    "wrong issuer, real key": await realSign({ ...claims, iss: "https://evil.example" }),
    "wrong audience, real key": await realSign({ ...claims, aud: "someone-else" }),
    "no exp, real key": await realSign({ sub: claims.sub, role: claims.role, name: claims.name, iss: ISSUER, aud: AUDIENCE, iat: now }),
    "no role, real key": await realSign({ ...claims, role: undefined }),
    "unknown role, real key": await realSign({ ...claims, role: "root" }),
    "not yet valid (nbf), real key": await realSign({ ...claims, nbf: now + 3_600 }),
    "unknown kid, real key": await realSign(claims, { alg: "EdDSA", kid: "no-such-key", typ: "JWT" }),
    "no kid, real key": await realSign(claims, { alg: "EdDSA", typ: "JWT" }),
    "attacker's key embedded in the header (jwk)": await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", kid, jwk: await exportJWK(attacker.publicKey) })
      .sign(attacker.privateKey),
    "sub not a uuid, real key": await realSign({ ...claims, sub: "' or 1=1 --" }),
    "sub of no account, real key": await realSign({ ...claims, sub: crypto.randomUUID() }),
    "two-part token": `${header}.${payload}`,
    empty: "",
  };
}
