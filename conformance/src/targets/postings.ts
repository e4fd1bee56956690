import { createApp } from "@msa-board/postings/app";
import { createDatabaseClient } from "@msa-board/postings/db";
import { createHarness } from "@msa-board/postings/test-support";
import { overDeadDatabase, type Target, unreachableKeysVerifier } from "../target.ts";

export async function postingsTarget(): Promise<Target> {
  const h = await createHarness({ prefix: "conformance_postings" });
  const author = await h.user("Conformance Author");
  const keysDown = await unreachableKeysVerifier();
  return {
    name: "postings",
    app: h.app,
    tokens: h.tokens,
    caller: { sub: author.id, role: "user", name: author.name, token: author.token },
    validBodies: {
      "POST /postings": { title: "Conformance", body: "A posting the rules write." },
      "PATCH /postings/{id}": { title: "Conformance, edited" },
    },
    keysUnreachable: () => createApp({ ...h.deps, verifyToken: keysDown }),
    storeDown: () => overDeadDatabase(h.deps, createDatabaseClient, createApp, "postings"),
    close: h.close,
  };
}
