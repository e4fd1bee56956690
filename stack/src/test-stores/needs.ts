/**
 * What a part's own test suite needs from outside itself, and the variable that hands it over.
 * `npm test` sets every variable (its stack's stores, its tool cache); `bun test` in a part's
 * folder finds them unset and provides them itself (see provide.ts).
 */
export type StoreNeed = "postgres" | "redis" | "events-redis";
export type BinaryNeed = "envoy" | "jaeger";
export type Need = StoreNeed | BinaryNeed;

type StoreInfo = { kind: "store"; env: string; what: string; example: string };
type BinaryInfo = { kind: "binary"; env: string; what: string };

export const NEEDS: Record<StoreNeed, StoreInfo> & Record<BinaryNeed, BinaryInfo> = {
  postgres: {
    kind: "store",
    env: "TEST_DATABASE_URL",
    what: "PostgreSQL",
    example: "postgres://postgres:password@127.0.0.1:5432/postgres (a superuser: each suite creates and drops its own database)",
  },
  redis: { kind: "store", env: "TEST_REDIS_URL", what: "Redis", example: "redis://127.0.0.1:6379" },
  "events-redis": {
    kind: "store",
    env: "TEST_EVENTS_REDIS_URL",
    what: "Redis (events)",
    example: "redis://127.0.0.1:6379",
  },
  envoy: { kind: "binary", env: "ENVOY_BIN", what: "Envoy" },
  jaeger: { kind: "binary", env: "JAEGER_BIN", what: "Jaeger" },
};

export const isStoreNeed = (need: Need): need is StoreNeed => NEEDS[need].kind === "store";
export const isBinaryNeed = (need: Need): need is BinaryNeed => NEEDS[need].kind === "binary";

export function parseNeeds(list: string): StoreNeed[] {
  const needs = list.split(",").filter(Boolean);
  for (const need of needs) {
    if (!(need in NEEDS) || !isStoreNeed(need as Need)) throw new Error(`unknown store "${need}" (known: postgres, redis, events-redis)`);
  }
  return needs as StoreNeed[];
}

/** A need that cannot be met: what is missing, and what the developer can do about it. */
export class UnmetNeedError extends Error {
  override name = "UnmetNeedError";
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
