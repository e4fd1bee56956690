import type { RouteGroup } from "./faults.ts";
import { type Reply, request } from "./http.ts";
import type { Sample, Violation } from "./invariants.ts";
import { Ledger, outcomeOf, type UserEntry } from "./ledger.ts";
import { Prng } from "./prng.ts";

export type LoadOptions = { gatewayUrl: string; seed: number; writers?: number; readerPauseMs?: number };

type Op = "post" | "rename" | "deletePosting" | "deleteAccount" | "readOwn" | "whoami";

/**
 * Steady mixed load through the gateway: writers that sign up, post, rename, delete postings and
 * leave (then sign up again), each owning one account at a time so its writes are ordered; and a
 * reader that lists, reads acknowledged postings and notices. Everything lands in `samples`; what
 * was acknowledged lands in `ledger`; a read that contradicts the ledger is a violation at once.
 */
export class Load {
  readonly samples: Sample[] = [];
  readonly ledger = new Ledger();
  readonly violations: Violation[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private counter = 0;

  constructor(private readonly options: LoadOptions) {}

  private call(route: string, group: RouteGroup, method: string, path: string, options: { token?: string; json?: unknown } = {}) {
    return request(this.samples, this.options.gatewayUrl, route, group, method, path, options);
  }

  start(): void {
    this.running = true;
    const writers = this.options.writers ?? 3;
    for (let w = 0; w < writers; w++) this.loops.push(this.writer(w, new Prng(this.options.seed * 31 + w)));
    this.loops.push(this.reader(new Prng(this.options.seed * 31 + 99)));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async signUp(w: number): Promise<{ user: UserEntry; token: string } | null> {
    this.counter += 1;
    const tag = `${Date.now().toString(36)}-${w}-${this.counter}`;
    const email = `soak-${tag}@soak.msa-board.test`;
    const password = `pw-${crypto.randomUUID()}`;
    const name = `Soak ${tag}`;
    const created = await this.call("POST /users", "users", "POST", "/users", { json: { email, password, name } });
    if (created.status !== 201 || typeof created.body?.id !== "string") return null;
    const user = this.ledger.signedUp(created.body.id, email, password, name);
    const token = await this.login(user);
    return token ? { user, token } : { user, token: "" };
  }

  private async login(user: UserEntry): Promise<string | null> {
    const res = await this.call("POST /login", "users", "POST", "/login", { json: { email: user.email, password: user.password } });
    return res.status === 200 && typeof res.body?.accessToken === "string" ? res.body.accessToken : null;
  }

  private async writer(w: number, prng: Prng): Promise<void> {
    let me: { user: UserEntry; token: string } | null = null;
    let renames = 0;
    while (this.running) {
      await Bun.sleep(prng.int(50, 250));
      if (!me) {
        me = await this.signUp(w);
        if (!me) await Bun.sleep(500);
        continue;
      }
      if (!me.token) {
        me.token = (await this.login(me.user)) ?? "";
        if (!me.token) await Bun.sleep(500);
        continue;
      }
      const op = prng.weighted<Op>([
        ["post", 35],
        ["rename", 20],
        ["deletePosting", 12],
        ["deleteAccount", 6],
        ["readOwn", 15],
        ["whoami", 12],
      ]);
      const { user, token } = me;
      let reply: Reply | null = null;
      if (op === "post") {
        const title = `soak ${w}-${this.counter}-${prng.int(0, 1e9)}`;
        reply = await this.call("POST /postings", "postings", "POST", "/postings", { token, json: { title, body: "soak" } });
        if (reply.status === 201 && typeof reply.body?.id === "string") this.ledger.postingCreated(reply.body.id, user.id, title);
      } else if (op === "rename") {
        renames += 1;
        const name = `Soak ${w} rename ${renames}-${prng.int(0, 1e6)}`;
        this.ledger.renameSent(user, name);
        reply = await this.call("PATCH /user", "users", "PATCH", "/user", { token, json: { name } });
        this.ledger.renameAnswered(user, name, outcomeOf(reply.status === 401 ? 0 : reply.status));
      } else if (op === "deletePosting" || op === "readOwn") {
        const mine = [...this.ledger.postings.values()].filter((p) => p.authorId === user.id && p.state === "live");
        if (mine.length === 0) continue;
        const posting = prng.pick(mine);
        if (op === "readOwn") {
          reply = await this.readPosting(posting.id);
        } else {
          this.ledger.deleteSent(posting);
          reply = await this.call("DELETE /postings/{id}", "postings", "DELETE", `/postings/${posting.id}`, { token });
          this.ledger.deleteAnswered(posting, reply.status === 401 ? "unknown" : outcomeOf(reply.status));
        }
      } else if (op === "deleteAccount") {
        this.ledger.deleteSent(user);
        reply = await this.call("DELETE /user", "users", "DELETE", "/user", { token });
        // Whatever the answer, this worker leaves the account: its fate is read from users at the end.
        this.ledger.deleteAnswered(user, reply.status === 204 ? "acked" : "unknown");
        me = null;
        continue;
      } else {
        reply = await this.call("GET /user", "users", "GET", "/user", { token });
      }
      if (reply?.status === 401) me.token = "";
    }
  }

  /** Reads one posting; a 404 or another title for a posting the ledger says exists is data loss. */
  private async readPosting(id: string): Promise<Reply> {
    const posting = this.ledger.postings.get(id);
    const expected = posting && this.ledger.mustBeReadable(posting);
    const reply = await this.call("GET /postings/{id}", "postings", "GET", `/postings/${id}`);
    if (!posting || !expected || !this.ledger.mustBeReadable(posting)) return reply;
    if (reply.status === 404)
      this.violations.push({
        invariant: "acknowledged posting readable",
        detail: `GET /postings/${id} → 404 at ${new Date().toISOString()}`,
      });
    else if (reply.status === 200 && reply.body?.title !== posting.title)
      this.violations.push({ invariant: "acknowledged posting readable", detail: `GET /postings/${id} → title "${reply.body?.title}"` });
    return reply;
  }

  private async reader(prng: Prng): Promise<void> {
    const pause = this.options.readerPauseMs ?? 100;
    while (this.running) {
      await this.call("GET /postings", "postings", "GET", "/postings?limit=10");
      await this.call("GET /notice", "notices", "GET", "/notice");
      await this.call("GET /.well-known/jwks.json", "users", "GET", "/.well-known/jwks.json");
      const live = this.ledger.livePostings();
      if (live.length > 0) await this.readPosting(prng.pick(live).id);
      await Bun.sleep(pause);
    }
  }
}
