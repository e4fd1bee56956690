import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { renderEnvoyConfig } from "./envoy-config.ts";
import { containerGatewayOptions } from "./options.ts";
import { renderContainerYaml } from "./render.ts";

// gateway/envoy.yaml is a rendered copy for containers; it must never drift from the renderer.

const committed = () => readFile(join(import.meta.dir, "..", "envoy.yaml"), "utf8");

test("the committed envoy.yaml is exactly what the renderer produces", async () => {
  const text = await committed();
  if (text !== renderContainerYaml()) {
    throw new Error("gateway/envoy.yaml is out of date: run `bun run render:containers` in gateway/ and commit it");
  }
});

test("and it parses back to the container config", async () => {
  expect(parse(await committed())).toEqual(renderEnvoyConfig(containerGatewayOptions()));
});
