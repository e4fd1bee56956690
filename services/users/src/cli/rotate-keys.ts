/**
 * Rotates the token signing key: `bun run src/cli/rotate-keys.ts [--publish-ahead-seconds=N]`
 * (env: DATABASE_URL, ACCESS_TOKEN_TTL_SECONDS, SIGNING_KEYS_ENCRYPTION_KEY — as the service has them;
 * SIGNING_KEY_PUBLISH_AHEAD_SECONDS is the flag's default).
 *
 * The new key is published at once and signs N seconds later (default 120: the gateway caches the
 * JWKS for 60 s and does not refetch on an unknown kid; `--publish-ahead-seconds=0` switches at once;
 * running instances pick the switch up within 10 s); the old key stays in the JWKS until every token it signed has expired, then
 * it is deleted at the next rotation.
 *
 * Never writes a private key in plain where keys are meant to be sealed: in production it requires
 * SIGNING_KEYS_ENCRYPTION_KEY, anywhere it refuses to add a plain key beside sealed ones, and with
 * the key set it also seals any key left in plain.
 */
import { ConfigError, envUrl, parseEnv } from "@msa-board/service-kit/env";
import { z } from "zod";
import { createDatabaseClient } from "../db/client.ts";
import { migrateUsersDatabase } from "../db/migrations.ts";
import { PrivateKeySealer } from "../keys/private-key-sealing.ts";
import { SigningKeyStore } from "../keys/signing-key-store.ts";

const schema = z
  .object({
    NODE_ENV: z.string().optional(),
    DATABASE_URL: envUrl("postgres://users:users@127.0.0.1:55432/users"),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(300).default(300),
    SIGNING_KEYS_ENCRYPTION_KEY: z.string().optional(),
    /**
     * Publish the new key this long before it signs: at least the longest JWKS cache that does not
     * refetch on an unknown kid (the gateway's, 60 s), with a margin.
     */
    SIGNING_KEY_PUBLISH_AHEAD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  })
  .refine((env) => env.NODE_ENV !== "production" || Boolean(env.SIGNING_KEYS_ENCRYPTION_KEY), {
    path: ["SIGNING_KEYS_ENCRYPTION_KEY"],
    message: "required in production: rotate-keys never writes a private key in plain there",
  });

let env: z.output<typeof schema>;
try {
  env = parseEnv(schema, process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`rotate-keys: ${err.message}`);
  process.exit(1);
}

function publishAhead(fallback: number): number {
  const flag = process.argv.slice(2).find((arg) => arg.startsWith("--publish-ahead-seconds="));
  if (!flag) return fallback;
  const seconds = Number(flag.split("=")[1]);
  if (!Number.isInteger(seconds) || seconds < 0) {
    console.error("rotate-keys: --publish-ahead-seconds must be a whole number of seconds");
    process.exit(1);
  }
  return seconds;
}

await migrateUsersDatabase(env.DATABASE_URL);
const database = createDatabaseClient(env.DATABASE_URL, { max: 1 });
try {
  const store = new SigningKeyStore({
    db: database.db,
    tokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    sealer: PrivateKeySealer.fromBase64(env.SIGNING_KEYS_ENCRYPTION_KEY || undefined),
  });
  const { kid, retiredKid, activatesAt } = await store.rotate({ publishAheadSeconds: publishAhead(env.SIGNING_KEY_PUBLISH_AHEAD_SECONDS) });
  const sealedPlainKeys = await store.sealPlainKeys();
  const published = (await store.jwks()).keys.map((key) => key.kid);
  console.log(
    JSON.stringify({
      msg: "signing key rotated",
      activeKid: kid,
      activatesAt: activatesAt.toISOString(),
      retiredKid,
      published,
      sealedPlainKeys,
    }),
  );
} catch (err) {
  console.error(`rotate-keys: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
