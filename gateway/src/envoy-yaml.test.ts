import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { renderEnvoyConfig } from "./envoy-config.ts";
import { CONTAINER_MONOLITH, SERVICES } from "./options.ts";
import { CONTAINER_CONFIGS, type ContainerShape, renderContainerYaml } from "./render.ts";

// gateway/envoy.yaml and gateway/envoy.monolith.yaml are rendered copies for containers; they must
// never drift from the renderer.

const committed = (shape: ContainerShape) => readFile(join(import.meta.dir, "..", CONTAINER_CONFIGS[shape].file), "utf8");

describe.each(Object.keys(CONTAINER_CONFIGS) as ContainerShape[])("%s", (shape) => {
  test(`the committed gateway/${CONTAINER_CONFIGS[shape].file} is exactly what the renderer produces`, async () => {
    const text = await committed(shape);
    if (text !== renderContainerYaml(shape)) {
      throw new Error(
        `gateway/${CONTAINER_CONFIGS[shape].file} is out of date: run \`bun run render:containers\` in gateway/ and commit it`,
      );
    }
  });

  test("and it parses back to the container config", async () => {
    expect(parse(await committed(shape))).toEqual(renderEnvoyConfig(CONTAINER_CONFIGS[shape].options()));
  });
});

test("the monolith's config differs only in where the API clusters go: every module to the monolith, web to web", () => {
  const services = CONTAINER_CONFIGS.microservices.options();
  const monolith = CONTAINER_CONFIGS.monolith.options();
  const upstreams = Object.fromEntries(
    SERVICES.map((s) => [s, s === "web" ? services.upstreams.web : { kind: "dns", ...CONTAINER_MONOLITH }]),
  );
  expect(monolith.upstreams).toEqual(upstreams as typeof monolith.upstreams);
  expect({ ...monolith, upstreams: services.upstreams }).toEqual(services);
});
