import { compareStreamIds, type EventsRedis, RetryLoop } from "@msa-board/service-kit/events";
import type { Heartbeat } from "@msa-board/service-kit/liveness";
import type { Logger } from "@msa-board/service-kit/logger";

export type StreamTrimmerOptions = {
  redis: EventsRedis;
  stream: string;
  logger: Logger;
  intervalMs?: number;
  /** `MINID ~` (whole macro nodes, cheap; may keep a few more) or exact `MINID =` (tests). */
  approximate?: boolean;
  /** Dead letters are kept for people to read, but not forever: `XTRIM MAXLEN ~` this many. 0 keeps all. */
  deadLetterStream?: string;
  deadLetterMaxLen?: number;
  heartbeat?: Heartbeat;
};

export type TrimResult = { threshold: string | null; removed: number };

/**
 * Keeps the events stream short without losing anything a consumer group still needs: every pass
 * trims (`XTRIM MINID`) up to the oldest entry any group still needs — the smaller of its oldest
 * pending entry (delivered, not acknowledged) and its last-delivered id (everything after it is
 * undelivered). A stream without groups is left alone: a group created later from 0 wants it all.
 */
export class StreamTrimmer {
  private readonly loop: RetryLoop;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private started = false;

  constructor(private readonly options: StreamTrimmerOptions) {
    this.logger = options.logger.child({ component: "stream-trimmer" });
    this.intervalMs = options.intervalMs ?? 60_000;
    this.loop = new RetryLoop({
      name: "stream trimmer",
      logger: this.logger,
      step: () => this.step(),
      // Trimming can wait: a failed pass is retried an interval later, not sooner.
      backoff: { initialMs: this.intervalMs, maxMs: this.intervalMs },
      ...(options.heartbeat ? { heartbeat: options.heartbeat } : {}),
    });
  }

  start(): void {
    this.started = false;
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** The id below which no group needs anything, or null when nothing may be trimmed. */
  async safeThreshold(): Promise<string | null> {
    const { redis, stream } = this.options;
    const groups = await redis.xInfoGroups(stream).catch((err: unknown) => {
      if (String((err as Error)?.message).includes("no such key")) return [];
      throw err;
    });
    if (groups.length === 0) return null;
    let threshold: string | null = null;
    for (const group of groups) {
      let needed = String(group["last-delivered-id"]);
      if (Number(group.pending) > 0) {
        const summary = await redis.xPending(stream, String(group.name));
        const oldestPending = summary.firstId === null ? null : String(summary.firstId);
        if (oldestPending && compareStreamIds(oldestPending, needed) < 0) needed = oldestPending;
      }
      if (threshold === null || compareStreamIds(needed, threshold) < 0) threshold = needed;
    }
    return threshold === "0-0" ? null : threshold;
  }

  /** One pass; returns the threshold used and how many entries went. */
  async trimOnce(): Promise<TrimResult> {
    const { redis, stream } = this.options;
    const threshold = await this.safeThreshold();
    let removed = 0;
    if (threshold) {
      removed = await redis.xTrim(stream, "MINID", threshold, { strategyModifier: this.options.approximate === false ? "=" : "~" });
      if (removed > 0) this.logger.debug("trimmed the events stream", { stream, threshold, removed });
    }
    const { deadLetterStream, deadLetterMaxLen = 10_000 } = this.options;
    if (deadLetterStream && deadLetterMaxLen > 0) {
      await redis.xTrim(deadLetterStream, "MAXLEN", deadLetterMaxLen, { strategyModifier: "~" });
    }
    return { threshold, removed };
  }

  private async step(): Promise<{ idleMs: number }> {
    // Nothing is urgent at start-up: the first pass comes one interval in.
    if (this.started) await this.trimOnce();
    this.started = true;
    return { idleMs: this.intervalMs };
  }
}
