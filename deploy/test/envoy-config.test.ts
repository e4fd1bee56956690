/**
 * The exact envoy.yaml the gateway image and the Kubernetes ConfigMap carry, checked by the real
 * Envoy (the release the images pin, installed for `npm start`) in validate mode: a bootstrap that
 * Envoy 1.40 would refuse never reaches a cluster.
 */
import { expect, test } from "bun:test";
import { createToolContext, ensureEnvoy } from "@msa-board/stack/tools";
import { fromRoot } from "../src/facts.ts";
import { exec } from "./support/exec.ts";

test("Envoy accepts the container config (envoy --mode validate)", async () => {
  const envoy = await ensureEnvoy(createToolContext());
  const result = await exec([
    envoy,
    "--mode",
    "validate",
    "-c",
    fromRoot("deploy", "k8s", "base", "gateway", "envoy.yaml"),
    "--log-level",
    "error",
  ]);
  expect(result.stderr.trim()).toBe("");
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("OK");
}, 300_000);
