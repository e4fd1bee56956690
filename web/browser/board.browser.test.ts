/** The board as anyone sees it: notices on top, postings newest first, paging, and what the page weighs. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { seriousViolations } from "./support/axe.ts";
import { launchChromium } from "./support/browser.ts";
import { open, uniqueEmail } from "./support/pages.ts";
import { boardUrl, loadStack } from "./support/stack.ts";

const stack = loadStack();
const base = boardUrl(stack);
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
});
afterAll(async () => {
  await browser?.close();
});

const expectAccessible = async (what: string) => {
  expect({ page: what, violations: await seriousViolations(page) }).toEqual({ page: what, violations: [] });
};

describe("the board", () => {
  test("sees the board, newest first, with its notices on top", async () => {
    await open(page, base);
    await expect(page.locator("main h1").innerText()).resolves.toBe("The board");
    await page.getByRole("heading", { name: "Notices" }).waitFor();
    await page.getByRole("heading", { name: "Postings, newest first" }).waitFor();
    await expectAccessible("board");
  });

  test("the page is small: HTML, script and stylesheet weigh under 25 kB on the wire, all from this origin", async () => {
    const fresh = await browser.newContext();
    try {
      const visit = await fresh.newPage();
      await open(visit, base);
      await visit.locator('section[aria-busy="false"]').waitFor();
      const files = (await visit.evaluate(() =>
        [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].map((e) => {
          const r = e as PerformanceResourceTiming;
          return { url: r.name, initiator: r.initiatorType, transfer: r.transferSize, body: r.decodedBodySize };
        }),
      )) as { url: string; initiator: string; transfer: number; body: number }[];
      const page = files.filter((f) => f.initiator === "navigation" || f.url.includes("/assets/"));
      const wire = page.reduce((n, f) => n + f.transfer, 0);
      const unpacked = page.reduce((n, f) => n + f.body, 0);
      console.log(
        `page weight: ${page.length} files, ${(wire / 1024).toFixed(1)} kB on the wire (${(unpacked / 1024).toFixed(1)} kB unpacked)`,
      );
      expect(page.map((f) => f.initiator).sort()).toEqual(["link", "navigation", "script"]);
      expect(wire).toBeLessThan(25 * 1024);
      expect(files.every((f) => new URL(f.url).origin === base)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  test("pages through the board: “More postings” follows nextCursor", async () => {
    // Eleven postings by someone else, through the public API, so there is surely a second page.
    const api = (path: string, init: { json: unknown; token?: string }) =>
      fetch(`${stack.gatewayUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
        body: JSON.stringify(init.json),
      });
    const author = { name: "Seeder", email: uniqueEmail("seeder"), password: `pw-${crypto.randomUUID()}` };
    expect((await api("/users", { json: author })).status).toBe(201);
    const login = await api("/login", { json: { email: author.email, password: author.password } });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const seeded: string[] = [];
    for (let i = 1; i <= 11; i++) {
      const title = `Seeded ${i} ${Date.now().toString(36)}`;
      expect((await api("/postings", { json: { title, body: "seed" }, token: accessToken })).status).toBe(201);
      seeded.unshift(title);
    }
    await open(page, base);
    await page.locator('section[aria-busy="false"]').waitFor();
    const titles = () => page.locator(".postings li > a").allInnerTexts();
    expect(await titles()).toEqual(seeded.slice(0, 10));
    await page.getByRole("button", { name: "More postings" }).click();
    await page.locator(".postings li", { hasText: seeded[10] as string }).waitFor();
    const all = await titles();
    expect(all.slice(0, 11)).toEqual(seeded);
    // No posting twice: links (ids), not titles — earlier suites leave postings with equal titles.
    const links = await page.locator(".postings li > a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(new Set(links).size).toBe(links.length);
  });

  test("a page that needs an account, and a page that does not exist, say so in words", async () => {
    await open(page, base, "#/write");
    await page.getByRole("heading", { name: "Log in first" }).waitFor();
    await expectAccessible("log in first");
    await open(page, base, "#/no/such/page");
    await page.getByRole("heading", { name: "No such page" }).waitFor();
    await expectAccessible("not found");
  });
});
