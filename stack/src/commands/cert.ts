import { chmodSync, copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureLocalCertificate, LOCAL_HOSTS } from "@msa-board/gateway/local-ca";
import { repoRoot } from "../config.ts";
import { ensureTools } from "../tools/index.ts";

/**
 * `npm run stack -- cert [DIR] [HOST…]`: a local CA and a server certificate for the containers'
 * gateway (compose reads DIR/tls.crt and DIR/tls.key; default deploy/compose/tls, git-ignored).
 * Extra HOSTs (names or IPs) go into the certificate beside localhost and 127.0.0.1. For a real
 * deployment use a certificate from your CA or ACME instead.
 */
export async function makeCertificate(args: string[]): Promise<number> {
  const [dirArg, ...extra] = args;
  const dir = resolve(dirArg ?? join(repoRoot, "deploy", "compose", "tls"));
  const tools = await ensureTools();
  const made = ensureLocalCertificate({ dir, openssl: tools.openssl, hosts: [...LOCAL_HOSTS, ...extra] });
  copyFileSync(made.certificateChainPath, join(dir, "tls.crt"));
  copyFileSync(made.privateKeyPath, join(dir, "tls.key"));
  // Compose bind-mounts the file itself, read by the image's envoy account (another UID): the key
  // is world-readable inside a folder only you can enter (0700), so no other local user reaches it.
  chmodSync(join(dir, "tls.key"), 0o644);
  console.log(`${made.createdCa ? "made" : "reused"} the local CA ${made.caPath}
certificate for ${[...LOCAL_HOSTS, ...extra].join(", ")}: ${join(dir, "tls.crt")} (key tls.key)
  compose:     docker compose up --build            then: curl --cacert ${made.caPath} https://localhost:8443/postings
  Kubernetes:  kubectl -n msa-board create secret tls gateway-tls --cert=${join(dir, "tls.crt")} --key=${join(dir, "tls.key")}`);
  return 0;
}
