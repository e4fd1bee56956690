import { ProblemError } from "@msa-board/service-kit/problem";
import type { Context } from "hono";
import type { AppDeps } from "../app-types.ts";
import type { User } from "../users/user.ts";
import { UsersRepository } from "../users/users-repository.ts";

/**
 * A deleted account's token may still be unexpired: it proves who the caller *was*, not that the
 * account exists. Such a caller is unauthenticated (401), not asking for a missing resource (404).
 */
export const accountGone = () =>
  new ProblemError("unauthorized", "The account this token was issued to no longer exists.", {
    headers: { "www-authenticate": 'Bearer error="invalid_token"' },
  });

/** The caller's account, read fresh (the token's name or role may be stale). */
export async function currentUser(c: Context, { db }: Pick<AppDeps, "db">): Promise<User> {
  const user = await new UsersRepository(db).findById(c.get("principal").userId);
  if (!user) throw accountGone();
  return user;
}
