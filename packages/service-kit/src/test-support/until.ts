/** Waits for a condition instead of a fixed sleep: polls every `everyMs` until it holds, or fails after `timeoutMs`. */
export async function until(condition: () => boolean, { timeoutMs = 2_000, everyMs = 2 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(everyMs);
  }
}
