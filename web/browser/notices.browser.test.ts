/** The notices on top of the board: an admin posts one through the editor; a user is refused by notices itself. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { seriousViolations } from "./support/axe.ts";
import { launchChromium } from "./support/browser.ts";
import { logIn, open, signUp, traceIdOf, uniqueEmail } from "./support/pages.ts";
import { boardUrl, loadStack } from "./support/stack.ts";

const stack = loadStack();
const base = boardUrl(stack);
let browser: Browser;
const notice = { title: `Maintenance ${Date.now().toString(36)}`, body: "The board is read-only on Sunday night." };

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("notices", () => {
  test("an admin posts a notice in the editor, and it is on top of the board", async () => {
    if (!stack.admin) throw new Error("the stack description has no admin credentials (only the test stack shares them)");
    const page = await (await browser.newContext()).newPage();
    await logIn(page, base, stack.admin);
    await page.getByRole("link", { name: "Notices", exact: true }).click();
    await page.getByRole("heading", { name: "New notice" }).waitFor();
    expect({ violations: await seriousViolations(page) }).toEqual({ violations: [] });
    await page.locator("#new-notice-title").fill(notice.title);
    await page.locator("#new-notice-body").fill(notice.body);
    await page.getByRole("button", { name: "Post notice" }).click();
    await page.getByText("Notice posted").waitFor();
    expect(await traceIdOf(page, "Post a notice")).toMatch(/^[0-9a-f]{32}$/);
    await open(page, base);
    const onBoard = page.locator(".notices .notice", { hasText: notice.title });
    await onBoard.waitFor();
    expect(await onBoard.innerText()).toContain(notice.body);
  });

  test("a user cannot: notices answers 403, shown in words with its trace", async () => {
    const page = await (await browser.newContext()).newPage();
    const user = { name: "Not an admin", email: uniqueEmail("user"), password: `pw-${crypto.randomUUID()}` };
    await signUp(page, base, user);
    await logIn(page, base, user);
    expect(await page.getByRole("link", { name: "Notices", exact: true }).count()).toBe(0);
    await open(page, base, "#/notices");
    await page.getByText("Only admins may post notices").waitFor();
    await page.locator("#new-notice-title").fill("Free pizza");
    await page.locator("#new-notice-body").fill("Not really.");
    await page.getByRole("button", { name: "Post notice" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/POST \/notice → 403 · trace [0-9a-f]{32}/);
    expect({ violations: await seriousViolations(page) }).toEqual({ violations: [] });
    await open(page, base);
    await page.locator(".notices").waitFor();
    expect(await page.locator(".notices").innerText()).not.toContain("Free pizza");
  });
});
