import { currentTraceparent } from "@msa-board/service-kit/tracing";

/** The events users publishes (contract): what changed, never more. */
export type UserEvent =
  | { type: "user.updated"; data: { userId: string; name: string } }
  | { type: "user.deleted"; data: { userId: string } };

export type EventType = UserEvent["type"];

export type { Envelope } from "@msa-board/service-kit/events";

/** An outbox row about to be written: a fresh id and the traceparent of the span that caused it. */
export type PendingEvent = UserEvent & { id: string; traceparent: string | null };

export function pendingEvent(event: UserEvent): PendingEvent {
  // UUIDv7: time-ordered, so ids of one instance sort like their occurrence (the relay's tie-break).
  return { ...event, id: Bun.randomUUIDv7(), traceparent: currentTraceparent() };
}

export const userUpdated = (userId: string, name: string) => pendingEvent({ type: "user.updated", data: { userId, name } });
export const userDeleted = (userId: string) => pendingEvent({ type: "user.deleted", data: { userId } });
