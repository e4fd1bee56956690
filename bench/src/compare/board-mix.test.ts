import { expect, test } from "bun:test";
import { BOARD_MIX, boardMix, pickKind, seededRandom } from "./board-mix.ts";

const fixtures = {
  gatewayUrl: "http://gw",
  users: [{ email: "a@b.c", password: "p", token: "t" }],
  postingIds: ["p1"],
  noticeIds: ["n1"],
};

test("the mix follows its weights and is the same sequence for the same seed", () => {
  const random = seededRandom(7);
  const counts = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const kind = pickKind(random());
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  for (const { kind, weight } of BOARD_MIX) expect(Math.abs((counts.get(kind) ?? 0) / 200 - weight)).toBeLessThan(1.5);
  const a = boardMix(fixtures, 1);
  const b = boardMix(fixtures, 1);
  for (let i = 0; i < 50; i++) expect(a(i)).toEqual(b(i));
});

test("writes carry the bearer token and JSON; reads go to the gateway", () => {
  const next = boardMix(fixtures, 3);
  const specs = Array.from({ length: 300 }, (_, i) => next(i));
  expect(specs.every((s) => s.url.startsWith("http://gw/"))).toBe(true);
  const write = specs.find((s) => s.method === "POST" && s.url.endsWith("/postings"));
  expect(write?.headers?.authorization).toBe("Bearer t");
  expect(JSON.parse(write?.body ?? "{}").title).toStartWith("bench ");
});
