import type { RequestSpec } from "../load-generator.ts";

/** What the mix needs to exist before it runs: accounts with tokens, postings, notices. */
export type BoardFixtures = {
  gatewayUrl: string;
  users: Array<{ email: string; password: string; token: string }>;
  postingIds: string[];
  noticeIds: string[];
};

/** A realistic board: mostly page reads, some notice reads, posting writes, a few logins and profile updates. */
export const BOARD_MIX = [
  { kind: "list postings (GET /postings)", weight: 56 },
  { kind: "read a posting (GET /postings/{id})", weight: 12 },
  { kind: "list notices (GET /notice)", weight: 12 },
  { kind: "read a notice (GET /notice/{id})", weight: 3 },
  { kind: "write a posting (POST /postings)", weight: 10 },
  { kind: "own account (GET /user)", weight: 4 },
  { kind: "rename (PATCH /user → postings' author names)", weight: 2 },
  { kind: "log in (POST /login, argon2)", weight: 1 },
] as const;

export type MixKind = (typeof BOARD_MIX)[number]["kind"];

/** Deterministic (mulberry32): both shapes get the very same request sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pickKind(r: number): MixKind {
  const total = BOARD_MIX.reduce((n, m) => n + m.weight, 0);
  let x = r * total;
  for (const m of BOARD_MIX) {
    if (x < m.weight) return m.kind;
    x -= m.weight;
  }
  return BOARD_MIX[0].kind;
}

const json = (body: unknown, token?: string): Pick<RequestSpec, "headers" | "body"> => ({
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

/** The i-th request of the mix (same seed, same sequence). */
export function boardMix(fixtures: BoardFixtures, seed = 42): (i: number) => RequestSpec {
  const random = seededRandom(seed);
  const g = fixtures.gatewayUrl;
  const one = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  return (i) => {
    const kind = pickKind(random());
    const user = one(fixtures.users);
    switch (kind) {
      case "list postings (GET /postings)":
        return { url: `${g}/postings?limit=20` };
      case "read a posting (GET /postings/{id})":
        return { url: `${g}/postings/${one(fixtures.postingIds)}` };
      case "list notices (GET /notice)":
        return { url: `${g}/notice` };
      case "read a notice (GET /notice/{id})":
        return { url: `${g}/notice/${one(fixtures.noticeIds)}` };
      case "write a posting (POST /postings)":
        return { url: `${g}/postings`, method: "POST", ...json({ title: `bench ${i}`, body: "a posting written under load" }, user.token) };
      case "own account (GET /user)":
        return { url: `${g}/user`, headers: { authorization: `Bearer ${user.token}` } };
      case "rename (PATCH /user → postings' author names)":
        return { url: `${g}/user`, method: "PATCH", ...json({ name: `Bench User ${i % 97}` }, user.token) };
      case "log in (POST /login, argon2)":
        return { url: `${g}/login`, method: "POST", ...json({ email: user.email, password: user.password }) };
    }
  };
}

/** A seeding call; a gateway 502/503/504 (a busy machine hashing passwords) is retried a few times. */
async function call<T>(url: string, init: RequestInit, expected: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (res.status === expected) return (text ? JSON.parse(text) : null) as T;
    if (attempt >= 4 || ![502, 503, 504].includes(res.status)) {
      throw new Error(`${init.method ?? "GET"} ${url}: ${res.status} ${text.slice(0, 200)}`);
    }
    await Bun.sleep(500 * attempt);
  }
}

/** Accounts, postings and notices through the gateway — the same API calls in either shape. */
export async function seedBoard(
  gatewayUrl: string,
  admin: { email: string; password: string },
  { users = 20, postings = 400, notices = 10 } = {},
): Promise<BoardFixtures> {
  const post = (path: string, body: unknown, token?: string, expected = 201) =>
    call<Record<string, string>>(`${gatewayUrl}${path}`, { method: "POST", ...json(body, token) }, expected);
  const accounts: BoardFixtures["users"] = [];
  // Four at a time: each sign-up and login hashes a password (argon2, 19 MiB, on purpose slow).
  for (let k = 0; k < users; k += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, users - k) }, async (_, j) => {
        const email = `bench-${k + j}-${crypto.randomUUID().slice(0, 8)}@bench.msa-board.test`;
        const password = `pw-${crypto.randomUUID()}`;
        await post("/users", { email, password, name: `Bench User ${k + j}` });
        const login = await post("/login", { email, password }, undefined, 200);
        return { email, password, token: login.accessToken as string };
      }),
    );
    accounts.push(...batch);
  }
  const postingIds: string[] = [];
  for (let k = 0; k < postings; k += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, postings - k) }, (_, j) =>
        post("/postings", { title: `seed ${k + j}`, body: "seeded for the comparison" }, accounts[(k + j) % users]?.token),
      ),
    );
    postingIds.push(...batch.map((p) => p.id as string));
  }
  const adminToken = (await post("/login", admin, undefined, 200)).accessToken as string;
  const noticeIds: string[] = [];
  for (let k = 0; k < notices; k++)
    noticeIds.push((await post("/notice", { title: `notice ${k}`, body: "seeded" }, adminToken)).id as string);
  return { gatewayUrl, users: accounts, postingIds, noticeIds };
}
