import type { Page } from "playwright-core";

/** Steps a person takes on the board, shared by the journey suite and the screenshot script. */

let counter = 0;
export function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}@web.msa-board.test`;
}

let visits = 0;

/**
 * Goes to a page as a link would (no reload: the in-memory session stays). A fresh `visit` query
 * makes every call a new navigation, so the page loads its data again even when already there.
 */
export async function open(page: Page, base: string, hash = "#/"): Promise<void> {
  visits += 1;
  await page.goto(`${base}/${hash}${hash.includes("?") ? "&" : "?"}visit=${visits}`);
  await page.locator("main h1").first().waitFor();
}

export async function signUp(page: Page, base: string, user: { name: string; email: string; password: string }): Promise<void> {
  await open(page, base, "#/signup");
  await page.getByLabel("Name shown on your postings").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Your account is ready").waitFor();
}

export async function logIn(page: Page, base: string, credentials: { email: string; password: string }): Promise<void> {
  await open(page, base, "#/login");
  await page.getByLabel("Email").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("link", { name: /^Profile/ }).waitFor();
}

export async function writePosting(page: Page, base: string, posting: { title: string; body: string }): Promise<string> {
  await open(page, base, "#/write");
  await page.getByLabel("Title").fill(posting.title);
  await page.getByLabel("Text").fill(posting.body);
  await page.getByRole("button", { name: "Post", exact: true }).click();
  await page.locator("main h1", { hasText: posting.title }).waitFor();
  return decodeURIComponent(new URL(page.url()).hash.replace("#/postings/", ""));
}

/** The trace id the "What did this click do?" panel shows for the newest action with this label. */
export async function traceIdOf(page: Page, label: string): Promise<string> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const entry = page.locator(".action-log li", { has: page.locator(".action-label", { hasText: exact }) }).first();
  const text = await entry.locator(".trace-link code").innerText();
  if (!/^[0-9a-f]{32}$/.test(text)) throw new Error(`action "${label}" shows no trace id (got "${text}")`);
  return text;
}

/** Opens a trace's waterfall and waits until Jaeger's spans have settled. */
export async function openTrace(page: Page, base: string, traceId: string): Promise<void> {
  await open(page, base, `#/trace/${traceId}`);
  await page.getByText("Complete as far as Jaeger knows").waitFor({ timeout: 20_000 });
}

/**
 * Waits until the waterfall shows a span containing `text`, asking Jaeger again (the page's own
 * button) while it does not: an event consumer's spans reach Jaeger after the request's.
 */
export async function waitForSpan(page: Page, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.locator(".waterfall tbody").innerText()).includes(text)) {
    if (Date.now() > deadline) throw new Error(`no span with "${text}" in the waterfall after ${timeoutMs} ms`);
    const round = Number(await page.locator(".trace-state").getAttribute("data-round"));
    await page.getByRole("button", { name: "Ask Jaeger again" }).click();
    await page.locator(`.trace-state[data-round="${round + 1}"]`, { hasText: "Complete as far as Jaeger knows" }).waitFor();
  }
}
