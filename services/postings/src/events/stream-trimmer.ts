import type { Logger } from "@msa-board/service-kit/logger";
import { InterruptibleSleep } from "./backoff.ts";
import { type EventsRedis, withTimeout } from "./events-redis.ts";
import { compareStreamIds } from "./stream-entries.ts";

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
  commandTimeoutMs?: number;
};

export type TrimResult = { threshold: string | null; removed: number };

/**
 * Keeps the events stream short without losing anything a consumer group still needs: every pass
 * trims (`XTRIM MINID`) up to the oldest entry any group still needs — the smaller of its oldest
 * pending entry (delivered, not acknowledged) and its last-delivered id (everything after it is
 * undelivered). A stream without groups is left alone: a group created later from 0 wants it all.
 */
export class StreamTrimmer {
  private readonly sleeper = new InterruptibleSleep();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly logger: Logger;

  constructor(private readonly options: StreamTrimmerOptions) {
    this.logger = options.logger.child({ component: "stream-trimmer" });
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.interrupt();
    await this.loop;
    this.loop = undefined;
  }

  /** The id below which no group needs anything, or null when nothing may be trimmed. */
  async safeThreshold(): Promise<string | null> {
    const { redis, stream } = this.options;
    const groups = await this.command(redis.xInfoGroups(stream)).catch((err: unknown) => {
      if (String((err as Error)?.message).includes("no such key")) return [];
      throw err;
    });
    if (groups.length === 0) return null;
    let threshold: string | null = null;
    for (const group of groups) {
      let needed = String(group["last-delivered-id"]);
      if (Number(group.pending) > 0) {
        const summary = await this.command(redis.xPending(stream, String(group.name)));
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
      removed = await this.command(
        redis.xTrim(stream, "MINID", threshold, { strategyModifier: this.options.approximate === false ? "=" : "~" }),
      );
      if (removed > 0) this.logger.debug("trimmed the events stream", { stream, threshold, removed });
    }
    const { deadLetterStream, deadLetterMaxLen = 10_000 } = this.options;
    if (deadLetterStream && deadLetterMaxLen > 0) {
      await this.command(redis.xTrim(deadLetterStream, "MAXLEN", deadLetterMaxLen, { strategyModifier: "~" }));
    }
    return { threshold, removed };
  }

  private async run(): Promise<void> {
    let failing = false;
    while (!this.stopping) {
      // Nothing is urgent at start-up: the first pass comes one interval in.
      await this.sleeper.sleep(this.options.intervalMs ?? 60_000);
      if (this.stopping) break;
      try {
        await this.trimOnce();
        if (failing) this.logger.info("stream trimming works again");
        failing = false;
      } catch (err) {
        // Trimming can wait: log once per outage and try again next interval.
        if (!failing) this.logger.warn("stream trimming failed; will retry", { err: (err as Error).message });
        failing = true;
      }
    }
  }

  private command<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.options.commandTimeoutMs ?? 2_000);
  }
}
