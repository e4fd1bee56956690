import type { RouteGroup } from "./faults.ts";
import type { Ledger } from "./ledger.ts";

export type Violation = { invariant: string; detail: string };

/** One request of the load, as the client saw it; status 0: no answer (refused, reset, timed out). */
export type Sample = { route: string; group: RouteGroup; status: number; problem: boolean; startedAt: number; endedAt: number };

/** When a fault was really in place, and what it may fail. */
export type FaultWindow = { label: string; startedAt: number; endedAt: number; groups: RouteGroup[]; noAnswerAllowed: boolean };

/**
 * No 5xx other than a 503/504 problem of a part that is really down: an error is excused only by a
 * fault on a part its route depends on, in place at the time or ended less than `graceMs` before.
 */
export function checkResponses(samples: Sample[], windows: FaultWindow[], graceMs: number): Violation[] {
  const violations: Violation[] = [];
  for (const s of samples) {
    if (s.status !== 0 && s.status < 500) continue;
    const excusing = windows.filter((w) => w.groups.includes(s.group) && s.endedAt >= w.startedAt && s.startedAt <= w.endedAt + graceMs);
    const at = new Date(s.startedAt).toISOString();
    if (s.status === 0) {
      if (!excusing.some((w) => w.noAnswerAllowed))
        violations.push({ invariant: "every request answered", detail: `${s.route} at ${at}: no answer` });
      continue;
    }
    if (s.status !== 503 && s.status !== 504) {
      violations.push({ invariant: "no 5xx but 503/504", detail: `${s.route} at ${at}: ${s.status}` });
    } else if (!s.problem) {
      violations.push({ invariant: "errors are problem+json", detail: `${s.route} at ${at}: ${s.status} without a problem body` });
    } else if (excusing.length === 0) {
      violations.push({ invariant: "503/504 only while a part it needs is down", detail: `${s.route} at ${at}: ${s.status}` });
    }
  }
  return violations;
}

/** What the users database holds of the soak's accounts: id → current name. */
export type UsersSnapshot = Map<string, string>;
/** What the postings database holds of the soak's authors' postings. */
export type PostingsSnapshot = Map<string, { authorId: string; authorName: string; title: string }>;

/** Acknowledged sign-ups, renames and deletions of accounts are all there. */
export function checkUsers(ledger: Ledger, users: UsersSnapshot): Violation[] {
  const violations: Violation[] = [];
  for (const u of ledger.users.values()) {
    const name = users.get(u.id);
    if (u.state === "deleted" && name !== undefined)
      violations.push({ invariant: "acknowledged deletion kept", detail: `user ${u.id} still exists` });
    if (u.state === "live" && name === undefined)
      violations.push({ invariant: "acknowledged sign-up kept", detail: `user ${u.id} (${u.email}) is gone` });
    if (u.state === "live" && name !== undefined && !u.names.has(name))
      violations.push({
        invariant: "acknowledged rename kept",
        detail: `user ${u.id} is named "${name}", expected ${[...u.names].map((n) => `"${n}"`).join(" or ")}`,
      });
  }
  return violations;
}

/**
 * Acknowledged postings exist, acknowledged deletions hold, and the events took effect: no posting
 * of a deleted account is left, and every posting shows its author's current name.
 */
export function checkPostings(ledger: Ledger, users: UsersSnapshot, postings: PostingsSnapshot): Violation[] {
  const violations: Violation[] = [];
  for (const p of ledger.postings.values()) {
    const row = postings.get(p.id);
    const authorExists = users.has(p.authorId);
    if (p.state === "live" && authorExists && !row)
      violations.push({ invariant: "acknowledged posting kept", detail: `posting ${p.id} of user ${p.authorId} is gone` });
    if (p.state === "live" && row && row.title !== p.title)
      violations.push({ invariant: "acknowledged posting kept", detail: `posting ${p.id} has title "${row.title}", not "${p.title}"` });
    if (p.state === "deleted" && row) violations.push({ invariant: "acknowledged deletion kept", detail: `posting ${p.id} still exists` });
  }
  for (const [id, row] of postings) {
    const name = users.get(row.authorId);
    if (name === undefined)
      violations.push({ invariant: "user.deleted applied", detail: `posting ${id} of deleted user ${row.authorId} is left` });
    else if (row.authorName !== name)
      violations.push({
        invariant: "user.updated applied",
        detail: `posting ${id} shows author "${row.authorName}", the account is named "${name}"`,
      });
  }
  return violations;
}

export type EventRow = { id: string; type: string; published: boolean; processedCount: number };

/** Every event of the soak's accounts published and processed exactly once. */
export function checkEvents(events: EventRow[]): Violation[] {
  const violations: Violation[] = [];
  for (const e of events) {
    if (!e.published) violations.push({ invariant: "events published", detail: `${e.type} ${e.id} still in the outbox` });
    else if (e.processedCount === 0) violations.push({ invariant: "events applied once", detail: `${e.type} ${e.id} never processed` });
    else if (e.processedCount > 1)
      violations.push({ invariant: "events applied once", detail: `${e.type} ${e.id} processed ${e.processedCount} times` });
  }
  return violations;
}
