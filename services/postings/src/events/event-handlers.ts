import { z } from "zod";
import type { Transaction } from "../db/client.ts";
import { type AuthorEvent, AuthorsBatch } from "../postings/authors-batch.ts";
import { AuthorsRepository } from "../postings/authors-repository.ts";

/** An event ready for its handler: validated data and the time it happened. */
export type HandledEvent<T> = { id: string; type: string; occurredAt: Date; data: T };

export type EventHandler<T = unknown> = {
  data: z.ZodType<T>;
  /**
   * The aggregate an event changes (the rows its handler locks). A batch applies events grouped by
   * it, in stream order within each group, so concurrent batches take row locks in one order.
   */
  aggregateOf?(data: T): string;
  /** Runs inside the consumer's transaction, with the dedupe record; throwing rolls both back. */
  handle(tx: Transaction, event: HandledEvent<T>): Promise<Record<string, unknown>>;
};

export type EventHandlers = Record<string, EventHandler>;

/**
 * Several handlers' work done for a whole batch at once, with a constant number of statements: for
 * events (new ones, in order, grouped by aggregate) whose handlers it `covers`, what each `handle`
 * would have returned, to the same effect. Throwing rolls the batch back (then it is redone one
 * event at a time, through the handlers).
 */
export type BatchHandler = {
  covers(handler: EventHandler): boolean;
  handleAll(tx: Transaction, events: { handler: EventHandler; event: HandledEvent<unknown> }[]): Promise<Record<string, unknown>[]>;
};

const handler = <T>(h: EventHandler<T>): EventHandler => h as unknown as EventHandler;

const userId = z.string().min(1).max(200);

/**
 * What postings does with users' events. A rename is applied only if it is newer than the name we
 * have (occurredAt, then event id), so a late, older rename never wins; a deletion removes the
 * author's postings and leaves a tombstone that later renames and posts cannot get past.
 */
export const userUpdatedHandler = handler({
  data: z.object({ userId, name: z.string().min(1).max(500) }),
  aggregateOf: (data) => data.userId,
  async handle(tx, event) {
    const after = await new AuthorsRepository(tx).recordName(event.data.userId, {
      name: event.data.name,
      asOf: event.occurredAt,
      eventId: event.id,
    });
    const applied = after.nameEventId === event.id;
    return { applied, stale: !applied && after.deletedAt === null, renamed: applied && after.previousName !== after.name };
  },
});

export const userDeletedHandler = handler({
  data: z.object({ userId }),
  aggregateOf: (data) => data.userId,
  async handle(tx, event) {
    const postingsDeleted = await new AuthorsRepository(tx).markDeleted(event.data.userId, event.occurredAt);
    return { postingsDeleted };
  },
});

export const userEventHandlers: EventHandlers = {
  "user.updated": userUpdatedHandler,
  "user.deleted": userDeletedHandler,
};

type UserUpdated = { userId: string; name: string };
type UserDeleted = { userId: string };

/** As which author event each of users' handlers' events is folded (by handler, so a test's wrapped handler is not covered). */
const asAuthorEvent = new Map<EventHandler, (e: HandledEvent<unknown>) => AuthorEvent>([
  [
    userUpdatedHandler,
    (e) => ({
      kind: "rename",
      eventId: e.id,
      authorId: (e.data as UserUpdated).userId,
      name: (e.data as UserUpdated).name,
      asOf: e.occurredAt,
    }),
  ],
  [userDeletedHandler, (e) => ({ kind: "delete", eventId: e.id, authorId: (e.data as UserDeleted).userId, at: e.occurredAt })],
]);

/** users' renames and deletions, a batch at a time (postings/authors-batch.ts). */
export const userEventsBatch: BatchHandler = {
  covers: (handler) => asAuthorEvent.has(handler),
  handleAll: (tx, events) =>
    new AuthorsBatch(tx).apply(
      events.map(({ handler, event }) => (asAuthorEvent.get(handler) as (e: HandledEvent<unknown>) => AuthorEvent)(event)),
    ),
};
