import type { Role } from "@msa-board/service-kit/auth";

/** An account as the service works with it. Deliberately has no password hash. */
export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
};

export type UserResponse = { id: string; email: string; name: string; role: Role; createdAt: string };

/** The public shape (contract): `{id, email, name, role, createdAt}` — built field by field. */
export function toUserResponse(user: User): UserResponse {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt.toISOString() };
}

/** Emails are compared and stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
