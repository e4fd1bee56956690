import { type EventsRedis, entriesOfReadReply, type StreamEntry } from "@msa-board/service-kit/events";

export type GroupNames = { stream: string; group: string; consumer: string; deadLetterStream: string };

export type ConsumerStats = { lag: number | null; pending: number; deadLetters: number };

/**
 * The consumer group's Redis side: reading new, own-pending and idle entries, delivery counters,
 * acknowledgements. Every call is bounded by the clients' own silence timeout (service-kit/events);
 * the blocking read has a connection of its own so it never holds up the others.
 */
export class GroupReader {
  constructor(
    private readonly redis: EventsRedis,
    /** The blocking read's own connection, once the consumer runs; until then (tests stepping by hand) the command one. */
    private readonly blocking: () => EventsRedis | undefined,
    private readonly names: GroupNames,
    private readonly batchSize: number,
  ) {}

  /** Creates the group (reading from the start of the stream, creating it if need be) unless it exists. */
  async ensureGroup(): Promise<boolean> {
    try {
      await this.redis.xGroupCreate(this.names.stream, this.names.group, "0", { MKSTREAM: true });
      return true;
    } catch (err) {
      if (String((err as Error).message).includes("BUSYGROUP")) return false;
      throw err;
    }
  }

  /** This consumer's own entries read before but not acknowledged, after `after` (a restart after a crash). */
  async readOwnPending(after: string): Promise<StreamEntry[]> {
    const { group, consumer, stream } = this.names;
    const reply = await this.redis.sendCommand([
      "XREADGROUP",
      "GROUP",
      group,
      consumer,
      "COUNT",
      String(this.batchSize),
      "STREAMS",
      stream,
      after,
    ]);
    return entriesOfReadReply(reply);
  }

  /** New entries, waiting up to `blockMs` for them. */
  async readNew(blockMs: number): Promise<StreamEntry[]> {
    const { group, consumer, stream } = this.names;
    const block = String(Math.max(1, Math.round(blockMs)));
    const reply = await (this.blocking() ?? this.redis).sendCommand([
      "XREADGROUP",
      "GROUP",
      group,
      consumer,
      "COUNT",
      String(this.batchSize),
      "BLOCK",
      block,
      "STREAMS",
      stream,
      ">",
    ]);
    return entriesOfReadReply(reply);
  }

  /** Claims entries idle at least `minIdleMs` (any member's), from `start`; `next` is "0-0" after the last. */
  async claimIdle(minIdleMs: number, start: string): Promise<{ next: string; entries: StreamEntry[] }> {
    const { group, consumer, stream } = this.names;
    const reply = await this.redis.xAutoClaim(stream, group, consumer, minIdleMs, start, { COUNT: this.batchSize });
    // Entries deleted from the stream meanwhile come back in `deletedMessages`; XAUTOCLAIM has already
    // dropped them from the pending list, so there is nothing to do for them.
    const entries: StreamEntry[] = [];
    for (const m of reply.messages) {
      if (m !== null) entries.push({ id: String(m.id), message: m.message ? { ...(m.message as Record<string, string>) } : null });
    }
    return { next: String(reply.nextId), entries };
  }

  /** XPENDING's delivery counters for entries just (re)delivered to this consumer. */
  async deliveryCounts(entries: StreamEntry[]): Promise<Map<string, number>> {
    const first = entries[0]?.id;
    const last = entries.at(-1)?.id;
    if (!first || !last) return new Map();
    const { group, consumer, stream } = this.names;
    const pending = await this.redis.xPendingRange(stream, group, first, last, entries.length * 2 + 10, { consumer });
    return new Map(pending.map((p) => [String(p.id), Number(p.deliveriesCounter)]));
  }

  /** One XACK for any number of entries (a batch is acknowledged at once, after its commit). */
  async ack(entryIds: string | string[]): Promise<void> {
    if (entryIds.length === 0) return;
    await this.redis.xAck(this.names.stream, this.names.group, entryIds);
  }

  /** Moves a poison entry to the dead-letter stream and acknowledges it, atomically (MULTI). */
  async deadLetter(entryId: string, fields: Record<string, string>): Promise<void> {
    await this.redis
      .multi()
      .xAdd(this.names.deadLetterStream, "*", { ...fields, group: this.names.group, sourceId: entryId })
      .xAck(this.names.stream, this.names.group, entryId)
      .exec();
  }

  /** Lag (entries not yet delivered to the group), pending entries and dead letters. */
  async stats(): Promise<ConsumerStats> {
    const [groups, deadLetters] = await Promise.all([
      this.redis.xInfoGroups(this.names.stream).catch(noSuchKeyAsEmpty),
      this.redis.xLen(this.names.deadLetterStream),
    ]);
    const group = groups.find((g) => String(g.name) === this.names.group);
    const lag = group?.lag;
    return { lag: typeof lag === "number" ? lag : null, pending: Number(group?.pending ?? 0), deadLetters: Number(deadLetters) };
  }
}

function noSuchKeyAsEmpty(err: unknown): never[] {
  if (String((err as Error)?.message).includes("no such key")) return [];
  throw err;
}
