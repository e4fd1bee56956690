import { type Browser, chromium } from "playwright-core";

/**
 * Debian's Chromium (stack/src/tools/chromium.ts installs it; `npm test` passes CHROMIUM_BIN),
 * driven by playwright-core. Nothing here downloads a browser.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_BIN ?? Bun.which("chromium") ?? Bun.which("chromium-browser");
  if (!path) {
    throw new Error(
      "Chromium is missing: the browser suite drives Debian's `chromium`. Run `npm test` (it installs it), " +
        "or `sudo apt-get install -y chromium`, or set CHROMIUM_BIN.",
    );
  }
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // The sandbox needs user namespaces, which containers and root shells often lack.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}
