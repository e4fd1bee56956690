/**
 * Sessions in the browser: the access token in memory only, the refresh token in an
 * HttpOnly + Secure + SameSite=Strict cookie, CSRF protection on the calls that use it.
 *
 * Reload and log-out need users' refresh tokens (`POST /login` → refreshToken, `/token/refresh`,
 * `/logout`, contract "users (auth)"); these tests fail until users issues them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./support/browser.ts";
import { logIn, open, signUp, uniqueEmail } from "./support/pages.ts";
import { boardUrl, loadStack } from "./support/stack.ts";

const stack = loadStack();
const base = boardUrl(stack);
let browser: Browser;
let context: BrowserContext;
let page: Page;
const user = { name: "Session Tester", email: uniqueEmail("session"), password: `pw-${crypto.randomUUID()}` };

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  await signUp(page, base, user);
  await logIn(page, base, user);
});
afterAll(async () => {
  await browser?.close();
});

describe("the refresh cookie", () => {
  test("is HttpOnly, Secure, SameSite=Strict and scoped to /session; the CSRF cookie is not HttpOnly", async () => {
    // All of them: the refresh cookie is scoped to /session, so the page URL alone would not list it.
    const cookies = await context.cookies();
    const refresh = cookies.find((c) => c.name === "__Secure-msa-refresh");
    expect(refresh).toEqual(expect.objectContaining({ httpOnly: true, secure: true, sameSite: "Strict", path: "/session" }));
    const csrf = cookies.find((c) => c.name === "__Secure-msa-csrf");
    expect(csrf).toEqual(expect.objectContaining({ httpOnly: false, secure: true, sameSite: "Strict", path: "/" }));
    // Scripts see the CSRF token only, never a token that grants access.
    expect(await page.evaluate(() => document.cookie)).not.toContain("msa-refresh");
  });

  test("a reload keeps you logged in: a new access token comes through the cookie", async () => {
    await page.reload();
    await page.getByRole("link", { name: /^Profile/ }).waitFor({ timeout: 10_000 });
    expect(await page.locator(".whoami").innerText()).toBe(user.name);
    await open(page, base, "#/profile");
    await page.getByText(user.email).waitFor();
  });

  test("the cookie alone renews nothing: without the CSRF header, or from another site, /session/refresh refuses", async () => {
    const withoutHeader = await page.evaluate(
      async () => (await fetch("/session/refresh", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status,
    );
    expect(withoutHeader).toBe(403);
    const cookieHeader = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const csrf = (await context.cookies()).find((c) => c.name === "__Secure-msa-csrf")?.value ?? "";
    const crossSite = await fetch(`${base}/session/refresh`, {
      method: "POST",
      headers: { cookie: cookieHeader, "x-csrf-token": csrf, origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("content-type")).toContain("application/problem+json");
  });

  test("log out ends the session: after a reload you are a visitor", async () => {
    await page.getByRole("button", { name: "Log out" }).click({ timeout: 10_000 });
    await page.getByRole("link", { name: "Log in" }).first().waitFor();
    expect((await context.cookies()).filter((c) => c.name.startsWith("__Secure-msa"))).toEqual([]);
    await page.reload();
    await page.locator("main h1").first().waitFor();
    await page.getByRole("link", { name: "Sign up" }).first().waitFor();
    expect(await page.getByRole("button", { name: "Log out" }).count()).toBe(0);
  });
});
