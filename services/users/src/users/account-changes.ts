import type { Database } from "../db/client.ts";
import { userDeleted, userUpdated } from "../events/envelope.ts";
import { type EventPublisher, outboxPublisher } from "../events/publisher.ts";
import type { User } from "./user.ts";
import { type UserChanges, UsersRepository } from "./users-repository.ts";

/**
 * Changes that other services hear about: the row and its event commit in one transaction (the
 * outbox row, or in the monolith the other modules' reactions), so there is never a change without
 * its event, nor an event without its change.
 */
export class AccountChanges {
  constructor(
    private readonly db: Database,
    private readonly events: EventPublisher = outboxPublisher,
  ) {}

  /** The updated user (and a `user.updated` event), or null when the account no longer exists. */
  update(userId: string, changes: UserChanges): Promise<User | null> {
    return this.db.transaction(async (tx) => {
      const user = await new UsersRepository(tx).update(userId, changes);
      if (!user) return null;
      await this.events.publish(tx, userUpdated(user.id, user.name));
      return user;
    });
  }

  /** True when the account was deleted (and a `user.deleted` event written). */
  delete(userId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const deleted = await new UsersRepository(tx).delete(userId);
      if (deleted) await this.events.publish(tx, userDeleted(userId));
      return deleted;
    });
  }
}
