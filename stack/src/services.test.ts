import { describe, expect, test } from "bun:test";
import { devConfig, type StackConfig, testConfig } from "./config.ts";
import { serviceEnv } from "./services.ts";
import { SHAPES, unitsOf } from "./shapes.ts";
import { Stack } from "./stack.ts";
import type { Tools } from "./tools/index.ts";

/** Building a Stack starts nothing: only its config, secrets and wiring are read here. */
const stackOf = (config: StackConfig) => new Stack(config, {} as Tools);

/** Every unit's environment in every shape, keyed `unit`. */
async function envs(faultInjection?: boolean) {
  const out: Array<{ config: string; unit: string; env: Record<string, string>; stack: Stack }> = [];
  for (const shape of SHAPES) {
    const configs = { dev: devConfig({ env: {}, shape }), test: await testConfig("/tmp/unused", {}, shape) };
    for (const [name, config] of Object.entries(configs)) {
      if (faultInjection !== undefined) config.faultInjection = faultInjection;
      const stack = stackOf(config);
      for (const unit of unitsOf(shape)) {
        out.push({ config: name, unit: unit.name, env: serviceEnv(stack, { service: unit.name, name: unit.name, port: 1 }), stack });
      }
    }
  }
  return out;
}

describe("fault injection reaches a service only when asked for", () => {
  test("the default start (`npm start`, `npm test`'s stacks, either shape): no fault flag, no control token in any unit's env", async () => {
    const all = await envs();
    expect(all.length).toBe(12); // (4 units + 2 units) × (dev, test)
    for (const { config, unit, env, stack } of all) {
      expect({ config, unit, stackFlag: stack.config.faultInjection, faultVars: Object.keys(env).filter((k) => /FAULT/.test(k)) }).toEqual({
        config,
        unit,
        stackFlag: false,
        faultVars: [],
      });
      expect(Object.values(env)).not.toContain(stack.secrets.controlToken);
      expect(stack.status().faultControl).toBeUndefined();
    }
  });

  test("with fault injection on: only the process hosting notices gets NOTICES_FAULTS=enabled and the run's control token", async () => {
    for (const { unit, env, stack } of await envs(true)) {
      const hostsNotices = unit === "notices" || unit === "monolith";
      expect([unit, env.NOTICES_FAULTS, env.FAULTS_CONTROL_TOKEN]).toEqual(
        hostsNotices ? [unit, "enabled", stack.secrets.controlToken] : [unit, undefined, undefined],
      );
    }
  });
});
