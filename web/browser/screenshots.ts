/**
 * `npm run screenshots`: PNGs of the main pages (web/screenshots/), taken in Debian's Chromium
 * against the running test stack that `npm run screenshots` starts (MSA_STACK_FILE). It seeds a
 * small board through the pages themselves, as a person would, then photographs each page.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchChromium } from "./support/browser.ts";
import { logIn, open, openTrace, signUp, traceIdOf, uniqueEmail, waitForSpan, writePosting } from "./support/pages.ts";
import { boardUrl, loadStack } from "./support/stack.ts";

const stack = loadStack();
const base = boardUrl(stack);
const out = process.env.WEB_SCREENSHOTS_DIR ?? join(import.meta.dir, "..", "screenshots");
mkdirSync(out, { recursive: true });

const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  console.log(`✓ ${join(out, `${name}.png`)}`);
};

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  if (!stack.admin)
    throw new Error("the stack description has no admin credentials (`npm run screenshots` starts a test stack that has them)");

  await logIn(page, base, stack.admin);
  await open(page, base, "#/notices");
  await page.locator("#new-notice-title").fill("Welcome to msa-board");
  await page.locator("#new-notice-body").fill("Every click here shows the trace it caused: follow a trace id on the right.");
  await page.getByRole("button", { name: "Post notice" }).click();
  await page.getByText("Notice posted").waitFor();
  await shot(page, "notices-editor");
  await page.getByRole("button", { name: "Log out" }).click();

  const ada = { name: "Ada", email: uniqueEmail("ada"), password: `pw-${crypto.randomUUID()}` };
  await signUp(page, base, ada);
  await shot(page, "login");
  await logIn(page, base, ada);
  await writePosting(page, base, { title: "Road bike, 54 cm frame", body: "Blue, barely used, new tyres.\nPick-up in town." });
  await writePosting(page, base, { title: "Looking for a flat mate", body: "Two rooms, a balcony, and a cat." });
  const id = await writePosting(page, base, {
    title: "Free: a box of sci-fi paperbacks",
    body: "Asimov, Le Guin, Banks. First come, first served.",
  });
  await shot(page, "posting");
  await open(page, base);
  await page.locator('section[aria-busy="false"]').waitFor();
  await shot(page, "board");

  await open(page, base, `#/postings/${id}`);
  await page.getByRole("button", { name: "Delete…" }).click();
  await page.getByRole("button", { name: "Yes, delete it" }).click();
  await page.getByRole("heading", { name: "Posting deleted" }).waitFor();
  await openTrace(page, base, await traceIdOf(page, "Delete a posting"));
  await shot(page, "trace-delete-posting");

  await open(page, base, "#/profile");
  await page.getByText(ada.email).waitFor();
  await shot(page, "profile");
  await page.getByLabel("Yes, delete my account and my postings").check();
  await page.getByRole("button", { name: "Delete account" }).click();
  await page.getByRole("heading", { name: "Account deleted" }).waitFor();
  const traceId = await traceIdOf(page, "Delete account");
  await openTrace(page, base, traceId);
  await waitForSpan(page, "process user.deleted");
  await shot(page, "trace-delete-account");
} finally {
  await browser.close();
}
