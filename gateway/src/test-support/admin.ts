/** Reads Envoy's admin API: which hosts a cluster has and whether they take traffic. */

export interface HostState {
  address: string;
  /** True when health checks, outlier detection or EDS keep the host out of load balancing. */
  failing: boolean;
  draining: boolean;
}

interface ClustersJson {
  cluster_statuses?: {
    name: string;
    host_statuses?: {
      address: { socket_address: { address: string; port_value: number } };
      health_status: Record<string, unknown>;
    }[];
  }[];
}

export const clusterHosts = async (adminUrl: string, cluster: string): Promise<HostState[]> => {
  const json = (await (await fetch(`${adminUrl}/clusters?format=json`)).json()) as ClustersJson;
  const status = json.cluster_statuses?.find((c) => c.name === cluster);
  return (status?.host_statuses ?? []).map((h) => {
    const health = h.health_status;
    return {
      address: `${h.address.socket_address.address}:${h.address.socket_address.port_value}`,
      // Any flag set (failed_active_health_check, failed_outlier_check, pending_active_hc, …)
      // keeps the host out; so does an EDS status other than HEALTHY.
      failing: Object.values(health).some((v) => v === true) || health.eds_health_status !== "HEALTHY",
      draining: health.eds_health_status === "DRAINING",
    };
  });
};

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
};
