import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Database, Executor } from "../db/client.ts";
import { refreshTokenFamilies, refreshTokens } from "../db/schema.ts";

export type RefreshTokenPolicy = {
  /** A session ends this long after its login, however often it is refreshed. */
  absoluteTtlSeconds: number;
  /** A token not exchanged within this long expires. */
  idleTtlSeconds: number;
};

export const DEFAULT_REFRESH_TOKEN_POLICY: RefreshTokenPolicy = { absoluteTtlSeconds: 30 * 86_400, idleTtlSeconds: 7 * 86_400 };

export type RevokeReason = "logout" | "reuse" | "password-change";

/** Why an exchange was refused: all of them are the same 401 to the client. */
export type RefusedExchange = { refused: "unknown" | "expired" | "revoked" | "reused" };
export type Exchange = { userId: string; refreshToken: string } | RefusedExchange;

/** 256 random bits, base64url: unguessable, so it is stored as a plain SHA-256 (no salt or slow hash needed). */
export function newRefreshToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

export function hashRefreshToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

/**
 * Opaque refresh tokens grouped in families (one per login). Each token is exchanged at most once:
 * the exchange marks it used and issues its successor in one transaction. Presenting a used token
 * again means two parties hold the chain, so the whole family is revoked (OAuth 2.0 Security BCP,
 * refresh token rotation with reuse detection).
 */
export class RefreshTokens {
  private readonly db: Database;
  private readonly policy: RefreshTokenPolicy;
  private readonly clock: () => Date;
  /** Reuses detected by this process (a stolen token, or a client refreshing twice at once): for /metrics. */
  reusesDetected = 0;

  constructor(options: { db: Database; policy?: RefreshTokenPolicy; clock?: () => Date }) {
    this.db = options.db;
    this.policy = options.policy ?? DEFAULT_REFRESH_TOKEN_POLICY;
    this.clock = options.clock ?? (() => new Date());
  }

  /** A new family for a fresh login, and its first token. Also drops the user's ended families. */
  async start(userId: string): Promise<string> {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      await tx
        .delete(refreshTokenFamilies)
        .where(
          and(
            eq(refreshTokenFamilies.userId, userId),
            or(lt(refreshTokenFamilies.expiresAt, now), sql`${refreshTokenFamilies.revokedAt} is not null`),
          ),
        );
      const [family] = await tx
        .insert(refreshTokenFamilies)
        .values({ userId, createdAt: now, expiresAt: this.after(now, this.policy.absoluteTtlSeconds) })
        .returning({ id: refreshTokenFamilies.id, expiresAt: refreshTokenFamilies.expiresAt });
      if (!family) throw new Error("refresh token family was not created");
      return this.issue(tx, family.id, family.expiresAt, now);
    });
  }

  /**
   * Exchanges a token for its successor. Two exchanges of one token racing each other: the
   * conditional update lets exactly one through (the loser re-checks `used_at is null` after the
   * winner commits, finds it set, and is treated as reuse).
   */
  async exchange(token: string): Promise<Exchange> {
    const now = this.clock();
    const tokenHash = hashRefreshToken(token);
    return this.db.transaction(async (tx): Promise<Exchange> => {
      const [live] = await tx
        .update(refreshTokens)
        .set({ usedAt: now })
        .from(refreshTokenFamilies)
        .where(
          and(
            eq(refreshTokens.tokenHash, tokenHash),
            isNull(refreshTokens.usedAt),
            gt(refreshTokens.expiresAt, now),
            eq(refreshTokenFamilies.id, refreshTokens.familyId),
            isNull(refreshTokenFamilies.revokedAt),
            gt(refreshTokenFamilies.expiresAt, now),
          ),
        )
        .returning({ familyId: refreshTokenFamilies.id, userId: refreshTokenFamilies.userId, expiresAt: refreshTokenFamilies.expiresAt });
      if (live) {
        // Expired tokens of this family can never be exchanged again: keep the chain short.
        await tx.delete(refreshTokens).where(and(eq(refreshTokens.familyId, live.familyId), lt(refreshTokens.expiresAt, now)));
        return { userId: live.userId, refreshToken: await this.issue(tx, live.familyId, live.expiresAt, now) };
      }
      const [known] = await tx
        .select({ familyId: refreshTokens.familyId, usedAt: refreshTokens.usedAt, revokedAt: refreshTokenFamilies.revokedAt })
        .from(refreshTokens)
        .innerJoin(refreshTokenFamilies, eq(refreshTokenFamilies.id, refreshTokens.familyId))
        .where(eq(refreshTokens.tokenHash, tokenHash));
      if (!known) return { refused: "unknown" };
      if (known.revokedAt) return { refused: "revoked" };
      if (known.usedAt) {
        await revokeFamily(tx, known.familyId, "reuse", now);
        this.reusesDetected += 1;
        return { refused: "reused" };
      }
      return { refused: "expired" };
    });
  }

  /** Logout: ends the family the token belongs to (used or not). False when the token is unknown. */
  async revokeFamilyOf(token: string, reason: RevokeReason = "logout"): Promise<boolean> {
    const now = this.clock();
    const [row] = await this.db
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)));
    if (!row) return false;
    await revokeFamily(this.db, row.familyId, reason, now);
    return true;
  }

  private async issue(tx: Executor, familyId: string, familyExpiresAt: Date, now: Date): Promise<string> {
    const token = newRefreshToken();
    const idleEnd = this.after(now, this.policy.idleTtlSeconds);
    await tx.insert(refreshTokens).values({
      tokenHash: hashRefreshToken(token),
      familyId,
      createdAt: now,
      expiresAt: idleEnd < familyExpiresAt ? idleEnd : familyExpiresAt,
    });
    return token;
  }

  private after(now: Date, seconds: number): Date {
    return new Date(now.getTime() + seconds * 1000);
  }
}

async function revokeFamily(db: Executor, familyId: string, reason: RevokeReason, now: Date): Promise<void> {
  await db
    .update(refreshTokenFamilies)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(refreshTokenFamilies.id, familyId), isNull(refreshTokenFamilies.revokedAt)));
}

/** Ends every session of an account (password change); runs inside the caller's transaction. */
export async function revokeAllSessions(db: Executor, userId: string, reason: RevokeReason, now = new Date()): Promise<number> {
  const rows = await db
    .update(refreshTokenFamilies)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(refreshTokenFamilies.userId, userId), isNull(refreshTokenFamilies.revokedAt)))
    .returning({ id: refreshTokenFamilies.id });
  return rows.length;
}
