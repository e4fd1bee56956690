import type { FaultProxy } from "../chaos/support/toxics.ts";
import type { Fault, ProcessTarget } from "./faults.ts";

/** The running stack as the injector needs it: its control API and its fault proxy. */
export type StackControl = {
  call: (method: "GET" | "POST", path: string) => Promise<unknown>;
  proxy: FaultProxy;
};

type Status = { instances: Record<string, string[]> };

/** A service's process name now (a roll renames instances); stores, Envoy and Jaeger keep theirs. */
async function processName(control: StackControl, target: ProcessTarget): Promise<string> {
  if (target !== "users" && target !== "postings" && target !== "notices") return target;
  const status = (await control.call("GET", "/status")) as Status;
  const name = status.instances[target]?.[0];
  if (!name) throw new Error(`no running instance of ${target}`);
  return name;
}

const signal = (control: StackControl, name: string, sig: string) => control.call("POST", `/processes/${name}/kill?signal=${sig}`);

/** Puts a fault in place and returns what takes it away again. */
export async function inject(fault: Fault, control: StackControl): Promise<() => Promise<void>> {
  switch (fault.kind) {
    case "kill": {
      await signal(control, await processName(control, fault.target), "SIGKILL");
      return async () => {};
    }
    case "pause": {
      const name = await processName(control, fault.target);
      await signal(control, name, "SIGSTOP");
      return async () => {
        await signal(control, name, "SIGCONT");
      };
    }
    case "toxic": {
      const name = await control.proxy.add(fault.link, fault.toxic, { name: "soak" });
      return () => control.proxy.remove(fault.link, name);
    }
    case "cut": {
      await control.proxy.setEnabled(fault.link, false);
      return () => control.proxy.setEnabled(fault.link, true);
    }
  }
}
