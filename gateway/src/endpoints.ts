import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { socketAddress, typed } from "./proto.ts";

/**
 * EDS files: the list of a service's instances, which Envoy watches and applies without a
 * restart. The stack runner rewrites a file to scale out, replace or take out an instance.
 *
 * Envoy reacts to a file being *moved into* the watched directory, so a file must never be
 * written in place (Envoy could read half of it): write a temp file beside it, then rename.
 */

export interface Endpoint {
  host: string;
  port: number;
  /**
   * Still listed but gets no new requests: mark an instance draining, wait a moment, then remove
   * it and stop it. (Removing it outright also works; draining first avoids racing the update.)
   */
  draining?: boolean;
}

/** The DiscoveryResponse Envoy expects in a `path_config_source` file. */
export const renderEndpointsFile = (cluster: string, endpoints: Endpoint[]): Record<string, unknown> => {
  const assignment = typed("envoy.config.endpoint.v3.ClusterLoadAssignment", {
    cluster_name: cluster,
    endpoints: [
      {
        lb_endpoints: endpoints.map((e) => ({
          endpoint: { address: socketAddress(e.host, e.port) },
          ...(e.draining ? { health_status: "DRAINING" } : {}),
        })),
      },
    ],
  });
  // Same content, same version: the version changes exactly when the endpoints do.
  const version = createHash("sha256").update(JSON.stringify(assignment)).digest("hex").slice(0, 16);
  return { version_info: version, resources: [assignment] };
};

/**
 * Writes the EDS file atomically (temp file in the same directory, then rename). Synchronous on
 * purpose: the file is tiny, and when this returns Envoy can be started or told nothing more.
 */
export const writeEndpointsFile = (path: string, cluster: string, endpoints: Endpoint[]): void => {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(renderEndpointsFile(cluster, endpoints), null, 2)}\n`);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
};
