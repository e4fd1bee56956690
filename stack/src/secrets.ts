import { randomBytes, timingSafeEqual } from "node:crypto";
import type { RedisService, RedisStore } from "./infra/redis-acl.ts";

/**
 * Secrets made fresh for every run of a stack and never printed: the control API's token and the
 * Redis passwords (the operator's `default` user of each Redis, one user per service). They reach
 * the services through their Redis URLs and the tools through the 0600 state file (`stack.json`).
 */
export type StackSecrets = {
  /** Bearer token of the control API (kill, roll, scale, status). */
  controlToken: string;
  /** Password of each Redis' `default` user (health checks, tests, you). */
  redisAdmin: Record<RedisStore, string>;
  /** Password of each service's own Redis user. */
  redisServices: Record<RedisService, string>;
};

/** 32 random bytes as hex: URL-safe, so it goes into a redis:// URL unescaped. */
const secret = () => randomBytes(32).toString("hex");

export function newStackSecrets(): StackSecrets {
  return {
    controlToken: secret(),
    redisAdmin: { redisNotices: secret(), redisEvents: secret() },
    redisServices: { users: secret(), postings: secret(), notices: secret() },
  };
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
