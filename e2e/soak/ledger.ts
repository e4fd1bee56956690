/**
 * What the soak's load was told: every write the system acknowledged (2xx), and every write whose
 * outcome is unknown (a 5xx, a timeout — it may or may not have happened). Each user is driven by
 * one worker at a time, so a user's writes are ordered and the ledger needs no locking.
 */
export type EntryState = "live" | "deleting" | "deleted";

export type UserEntry = {
  id: string;
  email: string;
  password: string;
  /** The last name the system acknowledged. */
  name: string;
  /** Every name the account may have now: the acknowledged one and later unanswered renames. */
  names: Set<string>;
  /** `deleting`: a DELETE went out without a clear answer (it may have happened). */
  state: EntryState;
};

export type PostingEntry = { id: string; authorId: string; title: string; state: EntryState };

/** How a write ended for the ledger: applied (2xx), not applied (4xx), or unknown. */
export type Outcome = "acked" | "rejected" | "unknown";

export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return "acked";
  if (status >= 400 && status < 500) return "rejected";
  return "unknown";
}

export class Ledger {
  readonly users = new Map<string, UserEntry>();
  readonly postings = new Map<string, PostingEntry>();

  signedUp(id: string, email: string, password: string, name: string): UserEntry {
    const user: UserEntry = { id, email, password, name, names: new Set([name]), state: "live" };
    this.users.set(id, user);
    return user;
  }

  /** Call before sending: from then on the new name is possible. */
  renameSent(user: UserEntry, name: string): void {
    user.names.add(name);
  }

  renameAnswered(user: UserEntry, name: string, outcome: Outcome): void {
    if (outcome === "acked") {
      user.name = name;
      user.names = new Set([name]);
    } else if (outcome === "rejected") {
      user.names.delete(name);
    }
  }

  postingCreated(id: string, authorId: string, title: string): void {
    this.postings.set(id, { id, authorId, title, state: "live" });
  }

  /** Call before sending a DELETE: a reader must not expect the entry any more. */
  deleteSent(entry: UserEntry | PostingEntry): void {
    entry.state = "deleting";
  }

  deleteAnswered(entry: UserEntry | PostingEntry, outcome: Outcome): void {
    if (outcome === "acked") entry.state = "deleted";
    else if (outcome === "rejected") entry.state = "live";
  }

  /** A posting every read must find: acknowledged, not being deleted, its author not being deleted. */
  mustBeReadable(posting: PostingEntry): boolean {
    return posting.state === "live" && this.users.get(posting.authorId)?.state === "live";
  }

  livePostings(): PostingEntry[] {
    return [...this.postings.values()].filter((p) => this.mustBeReadable(p));
  }
}
