/**
 * What only admins may do: post notices (a user is refused by notices itself), and delete anyone's
 * posting (others see neither Edit nor Delete on a posting that is not theirs).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { seriousViolations } from "./support/axe.ts";
import { launchChromium } from "./support/browser.ts";
import { logIn, open, signUp, traceIdOf, uniqueEmail, writePosting } from "./support/pages.ts";
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

  test("an admin edits a notice, then deletes it", async () => {
    if (!stack.admin) throw new Error("the stack description has no admin credentials (only the test stack shares them)");
    const page = await (await browser.newContext()).newPage();
    await logIn(page, base, stack.admin);
    await open(page, base, "#/notices");
    const title = `Short notice ${Date.now().toString(36)}`;
    await page.locator("#new-notice-title").fill(title);
    await page.locator("#new-notice-body").fill("Soon corrected.");
    await page.getByRole("button", { name: "Post notice" }).click();
    await page.getByRole("button", { name: `Edit notice ${title}` }).click();
    const edited = `${title} (corrected)`;
    const form = page.getByRole("form", { name: `Edit notice ${title}` });
    await form.getByLabel("Title").fill(edited);
    await form.getByRole("button", { name: "Save notice" }).click();
    await page.getByRole("button", { name: `Delete notice ${edited}` }).click();
    await page.getByText("Notice deleted.").waitFor();
    expect(await traceIdOf(page, "Delete a notice")).toMatch(/^[0-9a-f]{32}$/);
    await open(page, base);
    await page.locator(".notices h2").waitFor();
    expect(await page.locator(".notices").innerText()).not.toContain(title);
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

describe("postings of others", () => {
  test("a user sees no Edit or Delete on someone else's posting; an admin may delete it", async () => {
    if (!stack.admin) throw new Error("the stack description has no admin credentials (only the test stack shares them)");
    const author = await (await browser.newContext()).newPage();
    const owner = { name: "Owner", email: uniqueEmail("owner"), password: `pw-${crypto.randomUUID()}` };
    await signUp(author, base, owner);
    await logIn(author, base, owner);
    const id = await writePosting(author, base, { title: `Not yours ${Date.now().toString(36)}`, body: "Hands off." });

    const other = await (await browser.newContext()).newPage();
    const stranger = { name: "Stranger", email: uniqueEmail("stranger"), password: `pw-${crypto.randomUUID()}` };
    await signUp(other, base, stranger);
    await logIn(other, base, stranger);
    await open(other, base, `#/postings/${id}`);
    await other.locator(".posting .text").waitFor();
    expect(await other.getByRole("link", { name: "Edit" }).count()).toBe(0);
    expect(await other.getByRole("button", { name: "Delete…" }).count()).toBe(0);

    const admin = await (await browser.newContext()).newPage();
    await logIn(admin, base, stack.admin);
    await open(admin, base, `#/postings/${id}`);
    await admin.locator(".posting .text").waitFor();
    expect(await admin.getByRole("link", { name: "Edit" }).count()).toBe(0);
    await admin.getByRole("button", { name: "Delete…" }).click();
    await admin.getByRole("button", { name: "Yes, delete it" }).click();
    await admin.getByRole("heading", { name: "Posting deleted" }).waitFor();
    expect(await admin.locator(".outcome").innerText()).toMatch(/DELETE \/postings\/\S+ → 204/);
  });
});
