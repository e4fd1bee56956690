import type { Logger } from "@msa-board/service-kit/logger";
import type { Database } from "../db/client.ts";
import type { PasswordHasher } from "./passwords.ts";
import { normalizeEmail } from "./user.ts";
import { UsersRepository } from "./users-repository.ts";

export type AdminAccount = { email: string; password: string; name: string };
export type AdminBootstrapResult = "created" | "unchanged";

/** Start-up must stop: ADMIN_EMAIL belongs to an account that is not an admin. */
export class AdminEmailTakenError extends Error {
  override name = "AdminEmailTakenError";
  constructor() {
    super(
      "ADMIN_EMAIL belongs to an existing account that is not an admin; refusing to promote it (whoever registered " +
        "that address would become admin). Delete that account, or set ADMIN_EMAIL to an address with no account.",
    );
  }
}

/**
 * Makes sure the configured admin exists with role `admin`. Idempotent and safe for replicas starting
 * together. ADMIN_PASSWORD is the *initial* password: an existing account keeps its password (the
 * admin may have changed it), so a restart never undoes a rotation done through PATCH /user.
 * An existing non-admin account with that email is never promoted: anyone can sign up with any
 * address, so it would hand the admin role to whoever registered ADMIN_EMAIL first.
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
  throw new AdminEmailTakenError();
}
