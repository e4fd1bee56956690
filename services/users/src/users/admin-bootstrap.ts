import type { Logger } from "@msa-board/service-kit/logger";
import type { Database } from "../db/client.ts";
import type { PasswordHasher } from "./passwords.ts";
import { normalizeEmail } from "./user.ts";
import { UsersRepository } from "./users-repository.ts";

export type AdminAccount = { email: string; password: string; name: string };
export type AdminBootstrapResult = "created" | "promoted" | "unchanged";

/**
 * Makes sure the configured admin exists with role `admin`. Idempotent and safe for replicas starting
 * together. ADMIN_PASSWORD is the *initial* password: an existing account keeps its password (the
 * admin may have changed it), so a restart never undoes a rotation done through PATCH /user.
 */
export async function ensureAdminAccount(
  deps: { db: Database; passwords: PasswordHasher; logger: Logger },
  admin: AdminAccount,
): Promise<AdminBootstrapResult> {
  const users = new UsersRepository(deps.db);
  const email = normalizeEmail(admin.email);
  let existing = await users.findCredentials(email);
  if (!existing) {
    const created = await users.create({
      email,
      name: admin.name,
      passwordHash: await deps.passwords.hash(admin.password),
      role: "admin",
    });
    if (created) {
      deps.logger.info("admin account created", { userId: created.id });
      return "created";
    }
    existing = await users.findCredentials(email); // another replica created it meanwhile
    if (!existing) throw new Error("admin account vanished while being created");
  }
  if (existing.user.role === "admin") return "unchanged";
  await users.setRole(existing.user.id, "admin");
  deps.logger.info("admin role granted to existing account", { userId: existing.user.id });
  return "promoted";
}
