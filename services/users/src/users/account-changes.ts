import type { Database } from "../db/client.ts";
import { userDeleted, userUpdated } from "../events/envelope.ts";
import { OutboxRepository } from "../events/outbox-repository.ts";
import type { User } from "./user.ts";
import { type UserChanges, UsersRepository } from "./users-repository.ts";

/**
 * Changes that other services hear about: the row and its outbox event commit in one transaction,
 * so there is never a change without its event, nor an event without its change.
 */
export class AccountChanges {
  constructor(private readonly db: Database) {}

  /** The updated user (and a `user.updated` event), or null when the account no longer exists. */
  update(userId: string, changes: UserChanges): Promise<User | null> {
    return this.db.transaction(async (tx) => {
      const user = await new UsersRepository(tx).update(userId, changes);
      if (!user) return null;
      await new OutboxRepository(tx).add(userUpdated(user.id, user.name));
      return user;
    });
  }

  /** True when the account was deleted (and a `user.deleted` event written). */
  delete(userId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const deleted = await new UsersRepository(tx).delete(userId);
      if (deleted) await new OutboxRepository(tx).add(userDeleted(userId));
      return deleted;
    });
  }
}
