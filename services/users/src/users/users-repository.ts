import type { Role } from "@msa-board/service-kit/auth";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { users } from "../db/schema.ts";
import type { User } from "./user.ts";

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type NewUser = { email: string; name: string; passwordHash: string; role?: Role };
export type UserChanges = { name?: string; passwordHash?: string };

/** Reads and writes `users`. Never returns a password hash except from `findCredentials`. */
export class UsersRepository {
  constructor(private readonly db: Executor) {}

  /** The created user, or null when the email is taken (case-insensitively). */
  async create(input: NewUser): Promise<User | null> {
    const rows = await this.db
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash: input.passwordHash, role: input.role ?? "user" })
      .onConflictDoNothing()
      .returning(userColumns);
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<User | null> {
    if (!uuidPattern.test(id)) return null;
    const rows = await this.db.select(userColumns).from(users).where(eq(users.id, id));
    return rows[0] ?? null;
  }

  /** For login only: the user and their hash, by normalised email. */
  async findCredentials(email: string): Promise<{ user: User; passwordHash: string } | null> {
    const rows = await this.db
      .select({ ...userColumns, passwordHash: users.passwordHash })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`);
    const row = rows[0];
    if (!row) return null;
    const { passwordHash, ...user } = row;
    return { user, passwordHash };
  }

  /** Applies the changes and returns the user, or null when the account no longer exists. */
  async update(id: string, changes: UserChanges): Promise<User | null> {
    if (!uuidPattern.test(id)) return null;
    const rows = await this.db
      .update(users)
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.passwordHash !== undefined ? { passwordHash: changes.passwordHash } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, id))
      .returning(userColumns);
    return rows[0] ?? null;
  }

  /** Replaces the hash only if it is still `previousHash` (a login-time rehash must not undo a PATCH). */
  async replacePasswordHash(id: string, previousHash: string, newHash: string): Promise<void> {
    await this.db.update(users).set({ passwordHash: newHash }).where(sql`${users.id} = ${id} and ${users.passwordHash} = ${previousHash}`);
  }

  /** True when a row was deleted. */
  async delete(id: string): Promise<boolean> {
    if (!uuidPattern.test(id)) return false;
    const rows = await this.db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    return rows.length > 0;
  }
}
