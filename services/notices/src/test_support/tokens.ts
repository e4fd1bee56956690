import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from "jose";

export const ISSUER = "msa-board";
export const AUDIENCE = "msa-board";

export type SigningKey = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };

/** A real Ed25519 key pair, as the users service makes them. */
export async function makeSigningKey(kid: string = crypto.randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}

export const jwksOf = (...keys: SigningKey[]): JSONWebKeySet => ({ keys: keys.map((k) => k.publicJwk) });

export type TokenOptions = {
  role?: "user" | "admin";
  sub?: string;
  name?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an already expired token. */
  expiresIn?: number;
  kid?: string;
  extra?: JWTPayload;
};

export async function signToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? 900;
  return await new SignJWT({
    role: options.role ?? "admin",
    name: options.name ?? "Test Admin",
    ...options.extra,
  })
    .setProtectedHeader({ alg: "EdDSA", kid: options.kid ?? key.kid, typ: "JWT" })
    .setSubject(options.sub ?? crypto.randomUUID())
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(expiresIn < 0 ? now + expiresIn - 900 : now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

const b64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const fromB64url = (part: string) => atob(part.replaceAll("-", "+").replaceAll("_", "/"));

/**
 * Every token an attacker might try against a write route, each of which must get a 401 whose
 * detail matches `why`; `trusted` is the key the service's key set holds.
 */
export type ForgedToken = { name: string; token: string; why: RegExp };

export async function forgedTokens(trusted: SigningKey): Promise<ForgedToken[]> {
  const now = Math.floor(Date.now() / 1000);
  const adminClaims = { role: "admin", name: "Mallory" };
  const foreign = await makeSigningKey(trusted.kid); // same kid, different key
  const unknown = await makeSigningKey();
  const validUser = await signToken(trusted, { role: "user" });
  const [header, payload, signature] = validUser.split(".") as [string, string, string];
  const tamperedPayload = b64url(JSON.stringify({ ...JSON.parse(fromB64url(payload)), role: "admin" }));
  const pem = new TextEncoder().encode(await exportSPKI(trusted.publicKey));
  const hs256 = (secret: Uint8Array) =>
    new SignJWT(adminClaims)
      .setProtectedHeader({ alg: "HS256", kid: trusted.kid, typ: "JWT" })
      .setSubject("mallory")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(secret);
  const rawPublicKey = Uint8Array.from(fromB64url(trusted.publicJwk.x ?? ""), (ch) => ch.charCodeAt(0));
  const unsecured = new UnsecuredJWT(adminClaims)
    .setSubject("mallory")
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .encode();
  const invalid = /not valid/;
  const algorithm = /algorithm is not accepted/;
  const claims = /claims/;
  const forged: [string, string | Promise<string>, RegExp][] = [
    ["malformed (not a JWT)", "not-a-jwt", invalid],
    ["malformed (three garbage parts)", "abc.def.ghi", invalid],
    ["malformed (header only)", `${b64url(JSON.stringify({ alg: "EdDSA", kid: trusted.kid }))}..`, invalid],
    ["alg none", unsecured, algorithm],
    [
      "alg none with the trusted kid",
      `${b64url(JSON.stringify({ alg: "none", kid: trusted.kid }))}.${unsecured.split(".")[1]}.`,
      algorithm,
    ],
    ["HS256 keyed with the public key PEM", hs256(pem), algorithm],
    ["HS256 keyed with the raw public key bytes", hs256(rawPublicKey), algorithm],
    ["signed by a foreign Ed25519 key under the trusted kid", signToken(foreign), invalid],
    ["signed by a foreign Ed25519 key under an unknown kid", signToken(unknown), /not signed by a known key/],
    ["tampered claims (role changed, signature kept)", `${header}.${tamperedPayload}.${signature}`, invalid],
    ["signature stripped", `${header}.${payload}.`, invalid],
    ["expired", signToken(trusted, { expiresIn: -60 }), /expired/],
    ["wrong issuer", signToken(trusted, { issuer: "someone-else" }), claims],
    ["wrong audience", signToken(trusted, { audience: "another-service" }), claims],
    [
      "missing role claim",
      new SignJWT({ name: "No Role" })
        .setProtectedHeader({ alg: "EdDSA", kid: trusted.kid })
        .setSubject("x")
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + 900)
        .sign(trusted.privateKey),
      claims,
    ],
    ["unknown role", signToken(trusted, { extra: { role: "superuser" } }), claims],
  ];
  return await Promise.all(forged.map(async ([name, token, why]) => ({ name, token: await token, why })));
}

export type JwksServer = AsyncDisposable & {
  url: string;
  /** How many times the key set was fetched. */
  fetches: () => number;
  setKeys: (jwks: JSONWebKeySet) => void;
  setDown: (down: boolean) => void;
};

/** A real HTTP JWKS endpoint on a free loopback port, standing in for the users service. */
export function serveJwks(initial: JSONWebKeySet): JwksServer {
  let jwks = initial;
  let down = false;
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    count++;
    return down ? new Response("unavailable", { status: 503 }) : Response.json(jwks);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/.well-known/jwks.json`,
    fetches: () => count,
    setKeys: (next) => (jwks = next),
    setDown: (next) => (down = next),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
