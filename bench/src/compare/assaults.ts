import type { Stack } from "@msa-board/stack";

/** An assault on notices' handlers, as its fault control takes it (packages/service-kit/src/faults). */
export type NoticesAssault = { kind: "latency" | "cpu"; ms: number } | { kind: "off" };

/**
 * Sets the assault through notices' own fault control on every process serving notices
 * (microservices: notices; monolith: the monolith), with the run's control token. The stack must
 * run with fault injection on (`faultInjection`): its status then lists the control URLs.
 */
export async function setNoticesAssault(stack: Stack, assault: NoticesAssault): Promise<void> {
  const urls = stack.status().faultControl ?? [];
  if (urls.length === 0) throw new Error("the stack runs without fault injection: no fault control to set an assault with");
  for (const url of urls) {
    const res = await fetch(url, {
      method: "PUT",
      headers: { authorization: `Bearer ${stack.secrets.controlToken}`, "content-type": "application/json" },
      body: JSON.stringify(assault),
    });
    if (!res.ok) throw new Error(`setting ${JSON.stringify(assault)} at ${url} failed: ${res.status} ${await res.text()}`);
  }
}
