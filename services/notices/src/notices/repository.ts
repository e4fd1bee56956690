import type { Tracer } from "@opentelemetry/api";
import { ErrorReply } from "@redis/client";
import { ProblemError } from "@msa-board/service-kit/problem";
import { withRedisSpan } from "@msa-board/service-kit/tracing";
import type { Notice, NoticeDraft, NoticePatch } from "./notice.ts";
import type { NoticesRedis } from "./redis_client.ts";

/** What the routes need from the notices store; the Redis one below is the only implementation. */
export interface NoticesRepository {
  list(limit: number): Promise<Notice[]>;
  get(id: string): Promise<Notice | null>;
  create(draft: NoticeDraft, meta: { id: string; now: Date }): Promise<Notice>;
  /** null, with nothing written, when there is no such notice. */
  update(id: string, patch: NoticePatch, now: Date): Promise<Notice | null>;
  /** false, with nothing written, when there is no such notice. */
  remove(id: string): Promise<boolean>;
  ping(): Promise<void>;
}

export type RedisNoticesOptions = {
  redis: NoticesRedis;
  tracer: Tracer;
  /** Prepended to every key; tests use a unique one per run. */
  keyPrefix?: string;
};

/**
 * Storage: a hash `notice:{id}` (id, title, body, createdAt, updatedAt) per notice and a sorted set
 * `notices:by-created` of ids scored by creation time. Every write touching both runs as one Lua
 * script, so they never disagree. Each Redis round trip is a child span of the request's span.
 */
export function redisNoticesRepository({ redis, tracer, keyPrefix = "" }: RedisNoticesOptions): NoticesRepository {
  const noticeKey = (id: string) => `${keyPrefix}notice:${id}`;
  const indexKey = `${keyPrefix}notices:by-created`;
  const call = <T>(command: string, run: () => Promise<T>, script?: string) =>
    withRedisSpan(tracer, command, () => run().catch(storeError), script ? { "db.redis.script": script } : {});

  return {
    async list(limit) {
      const rows = await call("EVALSHA", () => redis.listNotices([indexKey], [String(limit), noticeKey("")]), "list");
      return rows.map((row) => toNotice(fromFlat(row)));
    },
    async get(id) {
      const fields = await call("HGETALL", () => redis.hGetAll(noticeKey(id)));
      return Object.keys(fields).length === 0 ? null : toNotice(fields);
    },
    async create(draft, { id, now }) {
      const at = now.toISOString();
      const args = [id, String(now.getTime()), at, draft.title, draft.body];
      const created = await call("EVALSHA", () => redis.createNotice([noticeKey(id), indexKey], args), "create");
      if (created !== 1) throw new Error("generated notice id already exists");
      return { id, title: draft.title, body: draft.body, createdAt: at, updatedAt: at };
    },
    async update(id, patch, now) {
      const pairs = Object.entries(patch).filter(([, v]) => v !== undefined).flat() as string[];
      const row = await call(
        "EVALSHA",
        () => redis.updateNotice([noticeKey(id)], [now.toISOString(), ...pairs]),
        "update",
      );
      return row === null ? null : toNotice(fromFlat(row));
    },
    async remove(id) {
      const removed = await call("EVALSHA", () => redis.deleteNotice([noticeKey(id), indexKey], [id]), "delete");
      return removed === 1;
    },
    async ping() {
      await call("PING", () => redis.ping());
    },
  };
}

function fromFlat(flat: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

function toNotice(fields: Record<string, string>): Notice {
  const { id, title, body, createdAt, updatedAt } = fields;
  if (id === undefined || title === undefined || body === undefined || !createdAt || !updatedAt) {
    throw new Error("a stored notice is missing fields");
  }
  return { id, title, body, createdAt, updatedAt };
}

/** Redis down, unreachable or too slow is a 503; a Redis error reply is a bug here (500). */
function storeError(err: unknown): never {
  if (err instanceof ErrorReply && !/^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)\b/.test(err.message)) throw err;
  if (err instanceof ProblemError) throw err;
  throw new ProblemError("unavailable", "The notices store is not answering right now; try again shortly.", {
    headers: { "retry-after": "1" },
    cause: err,
  });
}
