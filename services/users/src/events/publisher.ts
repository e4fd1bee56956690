import type { Transaction } from "../db/client.ts";
import type { PendingEvent } from "./envelope.ts";
import { OutboxRepository } from "./outbox-repository.ts";

/**
 * Where users' events go, called inside the transaction of the change they announce. The shape
 * decides: as a service, into the outbox (the relay streams it to other services after commit); in
 * the monolith, straight to the other modules' handlers on this same transaction.
 */
export type EventPublisher = {
  publish(tx: Transaction, event: PendingEvent): Promise<void>;
};

export const outboxPublisher: EventPublisher = {
  publish: (tx, event) => new OutboxRepository(tx).add(event),
};
