/**
 * A person's whole visit, in real Chromium against the real test stack through the gateway:
 * sign up → log in → post → see it on the board → rename → see the new author name → delete a
 * posting and open its trace → delete the account and open that trace (the event hop to postings)
 * → their postings are gone. Every page is checked with axe-core on the way.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { seriousViolations } from "./support/axe.ts";
import { launchChromium } from "./support/browser.ts";
import { logIn, open, openTrace, signUp, traceIdOf, uniqueEmail, waitForSpan, writePosting } from "./support/pages.ts";
import { boardUrl, loadStack } from "./support/stack.ts";

const stack = loadStack();
const base = boardUrl(stack);
let browser: Browser;
let context: BrowserContext;
let page: Page;

const person = { name: `Ada ${Date.now().toString(36)}`, email: uniqueEmail("ada"), password: `pw-${crypto.randomUUID()}` };
const renamed = `${person.name} Lovelace`;
const kept = { title: `Kept posting ${Date.now().toString(36)}`, body: "Blue bike, 54 cm frame.\nBarely used." };
const removed = { title: `Short-lived posting ${Date.now().toString(36)}`, body: "Gone soon." };
let keptId = "";

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
});

/** Polls a condition the page reaches by itself (events take a moment), reloading between looks. */
async function eventually(look: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await look())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

const expectAccessible = async (what: string) => {
  expect({ page: what, violations: await seriousViolations(page) }).toEqual({ page: what, violations: [] });
};

describe("a visitor", () => {
  test("gets a sign-up problem shown beside the field it concerns", async () => {
    await open(page, base, "#/signup");
    await page.getByLabel("Name shown on your postings").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    const error = page.locator("#password-error");
    await error.waitFor();
    expect(await error.innerText()).toMatch(/8/);
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Password").getAttribute("aria-describedby")).toContain("password-error");
    await expect(page.getByRole("alert").innerText()).resolves.toContain("Please correct the fields");
    await expectAccessible("sign-up with a problem");
  });

  test("signs up, then logs in with the keyboard alone", async () => {
    await signUp(page, base, person);
    await expectAccessible("log in");
    expect(await page.getByLabel("Email").inputValue()).toBe(person.email);
    await page.getByLabel("Email").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("password");
    await page.keyboard.type(person.password);
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: /^Profile/ }).waitFor();
    expect(await page.locator(".whoami").innerText()).toBe(person.name);
    // The new page's heading has the focus, so keyboard users start there.
    await page.waitForFunction(() => document.activeElement?.tagName === "H1");
  });

  test("a wrong password is a readable message, not a stack trace", async () => {
    const other = await context.newPage();
    try {
      await open(other, base, "#/login");
      await other.getByLabel("Email").fill(person.email);
      await other.getByLabel("Password").fill("not-the-password");
      await other.getByRole("button", { name: "Log in" }).click();
      const alert = other.getByRole("alert");
      await alert.waitFor();
      expect(await alert.innerText()).toContain("email or password is not correct");
      expect(await alert.innerText()).toMatch(/POST \/session → 401 · trace [0-9a-f]{32}/);
    } finally {
      await other.close();
    }
  });

  test("keeps no token where scripts could read it", async () => {
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    expect(await page.evaluate(() => document.cookie)).not.toContain("eyJ");
  });
});

describe("a signed-in user", () => {
  test("logs out, and back in", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" }).waitFor();
    expect(await page.locator(".action-log li").first().innerText()).toMatch(/Log out POST \/session\/logout → 204/);
    await logIn(page, base, person);
  });

  test("posts, and sees the posting on the board with the trace of the click", async () => {
    await open(page, base, "#/write");
    await page.getByLabel("Title").waitFor();
    await expectAccessible("write");
    keptId = await writePosting(page, base, kept);
    await expectAccessible("posting");
    expect(await page.locator(".text").innerText()).toBe(kept.body);
    expect(await traceIdOf(page, "Post")).toMatch(/^[0-9a-f]{32}$/);
    await open(page, base);
    const item = page.locator(".postings li", { hasText: kept.title });
    await item.waitFor();
    expect(await item.locator(".author").innerText()).toBe(person.name);
    // Newest first: nothing was posted after it.
    expect(await page.locator(".postings li a").first().innerText()).toBe(kept.title);
  });

  test("edits the posting: only its author sees Edit", async () => {
    await open(page, base, `#/postings/${keptId}`);
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit your posting" }).waitFor();
    await page.getByLabel("Title").waitFor();
    await expect(page.getByLabel("Title").inputValue()).resolves.toBe(kept.title);
    kept.title = `${kept.title} (edited)`;
    await page.getByLabel("Title").fill(kept.title);
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("main h1", { hasText: kept.title }).waitFor();
    expect(await page.locator(".byline").innerText()).toContain("edited");
    await expectAccessible("edit");
  });

  test("renames, and watches the author name change on the board", async () => {
    await open(page, base, "#/profile");
    await page.getByText(person.email).waitFor();
    await expectAccessible("profile");
    await page.getByLabel("Name shown on your postings").fill(renamed);
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByText("Renamed.").waitFor();
    expect(await page.locator(".whoami").innerText()).toBe(renamed);
    // users → user.updated → postings: within 5 s, the contract says.
    await eventually(async () => {
      await open(page, base);
      const author = page.locator(".postings li", { hasText: kept.title }).locator(".author");
      await author.waitFor();
      return (await author.innerText()) === renamed;
    });
  });

  test("deletes a posting and opens the trace of that click", async () => {
    const id = await writePosting(page, base, removed);
    await page.getByRole("button", { name: "Delete…" }).click();
    // The question takes the focus: Enter on it deletes, nothing else needs the mouse.
    await page.getByRole("button", { name: "Yes, delete it" }).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === "Yes, delete it");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Posting deleted" }).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === "Posting deleted");
    await expectAccessible("posting deleted");
    const traceId = await traceIdOf(page, "Delete a posting");
    await page.locator(".outcome .trace-link").click();
    await page.getByText("Complete as far as Jaeger knows").waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).hash).toBe(`#/trace/${traceId}`);
    const rows = page.locator(".waterfall tbody tr");
    expect(await rows.first().innerText()).toContain("DELETE /postings/{id}");
    expect(await page.locator(".waterfall tbody").innerText()).toMatch(/SQL: delete from "postings"/);
    expect(await page.locator(".waterfall .legend", { hasText: "postings" }).count()).toBeGreaterThan(0);
    await expectAccessible("trace");
    await open(page, base, `#/postings/${id}`);
    await page.getByRole("heading", { name: "Posting not available" }).waitFor();
  });

  test("deletes the account: the trace shows the event hop to postings, and the postings are gone", async () => {
    await open(page, base, "#/profile");
    await page.getByText(person.email).waitFor();
    await page.getByLabel("Yes, delete my account and my postings").check();
    await page.getByRole("button", { name: "Delete account" }).click();
    await page.getByRole("heading", { name: "Account deleted" }).waitFor();
    await expectAccessible("account deleted");
    const traceId = await traceIdOf(page, "Delete account");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" }).waitFor();

    await openTrace(page, base, traceId);
    // The consumer's spans arrive after the request's; look again, as a person would.
    await waitForSpan(page, "process user.deleted");
    const services = await page.locator(".facts .legend").allInnerTexts();
    expect(services).toEqual(expect.arrayContaining(["gateway", "users", "postings"]));
    expect(await page.locator(".waterfall tbody").innerText()).toMatch(/redis (XADD|XACK)/);

    await eventually(async () => {
      await open(page, base);
      await page.locator('section[aria-busy="false"]').waitFor();
      return (await page.locator(".postings li", { hasText: kept.title }).count()) === 0;
    });
    await open(page, base, `#/postings/${keptId}`);
    await page.getByRole("heading", { name: "Posting not available" }).waitFor();
  });
});
