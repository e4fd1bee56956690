import { createTestTokens } from "@msa-board/service-kit/test-support/tokens";
import { createApp } from "@msa-board/users/app";
import { createDatabaseClient } from "@msa-board/users/db";
import { AUDIENCE, createHarness, ISSUER } from "@msa-board/users/test-support";
import { importJWK } from "jose";
import { overDeadDatabase, type Target, unreachableKeysVerifier } from "../target.ts";

export async function usersTarget(): Promise<Target> {
  const h = await createHarness({ prefix: "conformance_users" });
  const caller = await h.signUp({ name: "Conformance Caller" });
  // Forgeries are made against users' own active signing key, as an attacker would face it.
  const { kid, key } = await h.keys.signingKey();
  const publicJwk = (await h.keys.jwks()).keys.find((k) => k.kid === kid);
  if (!publicJwk) throw new Error("the active signing key is not in users' JWKS");
  const tokens = await createTestTokens({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKey: { kid, privateKey: key as CryptoKey, publicKey: (await importJWK(publicJwk, "EdDSA")) as CryptoKey, publicJwk },
  });
  const keysDown = await unreachableKeysVerifier();
  return {
    name: "users",
    app: h.app,
    tokens,
    caller: { sub: caller.id, role: "user", name: caller.name, token: caller.token },
    validBodies: {
      "POST /users": { email: h.uniqueEmail("conformance"), password: "conformance-password-1", name: "Conformance" },
      "POST /login": { email: caller.email, password: caller.password },
      "PATCH /user": { name: "Conformance Caller" },
      // A session's refresh token: refreshed once by a rule it is used up (later ones get the 401 problem).
      "POST /token/refresh": { refreshToken: caller.refreshToken },
      "POST /logout": { refreshToken: caller.refreshToken },
    },
    keysUnreachable: () => createApp({ ...h.deps, verifyToken: keysDown }),
    storeDown: () => overDeadDatabase(h.deps, createDatabaseClient, createApp, "users"),
    close: h.close,
  };
}
