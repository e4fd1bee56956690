import { ProblemError } from "@msa-board/service-kit/problem";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { userDeleted, userUpdated } from "../events/envelope.ts";
import { type EventPublisher, outboxPublisher } from "../events/publisher.ts";
import { revokeAllSessions } from "../sessions/refresh-tokens.ts";
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

  /**
   * The updated user (and a `user.updated` event), or null when the account no longer exists.
   * A new password ends every session of the account in the same transaction.
   */
  update(userId: string, changes: UserChanges): Promise<User | null> {
    return this.db.transaction(async (tx) => {
      const user = await new UsersRepository(tx).update(userId, changes);
      if (!user) return null;
      if (changes.passwordHash !== undefined) await revokeAllSessions(tx, user.id, "password-change");
      await this.events.publish(tx, userUpdated(user.id, user.name));
      return user;
    });
  }

  /**
   * True when the account was deleted (and a `user.deleted` event written); its sessions go with it
   * (foreign key cascade). The last admin cannot delete itself: nobody could manage notices, and
   * the next start would recreate ADMIN_EMAIL for whoever registers that address first.
   */
  delete(userId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await new UsersRepository(tx).findById(userId))?.role === "admin") {
        // Locking every admin row serialises concurrent admin deletions: two last admins cannot both leave.
        const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, "admin")).for("update");
        if (!admins.some((admin) => admin.id !== userId)) {
          throw new ProblemError("conflict", "The last admin account cannot be deleted.");
        }
      }
      const deleted = await new UsersRepository(tx).delete(userId);
      if (deleted) await this.events.publish(tx, userDeleted(userId));
      return deleted;
    });
  }
}
