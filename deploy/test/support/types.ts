/** The parts of compose's normalised model (`config --format json`) the tests read. */
export type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: Array<{ target: number; published?: string; host_ip?: string; protocol?: string }>;
  secrets?: Array<{ source: string; target?: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  volumes?: Array<{ type: string; source: string; target: string; read_only?: boolean }>;
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  stop_grace_period?: string;
};

export type ComposeModel = {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
};

/** Kubernetes objects, loosely: the tests read a few well-known fields. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

export type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: { name: string; key: string };
  };
};

export type Probe = {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
  periodSeconds?: number;
  failureThreshold?: number;
};

export type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
};

export type PodSpec = {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: Array<{
    name: string;
    emptyDir?: unknown;
    configMap?: { name: string };
    secret?: { secretName: string };
    persistentVolumeClaim?: { claimName: string };
  }>;
};

export type Workload = K8sObject & {
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};

export type ServiceSpec = {
  type?: string;
  clusterIP?: string;
  externalName?: string;
  selector?: Record<string, string>;
  ports?: Array<{ name?: string; port: number; targetPort?: string | number; nodePort?: number }>;
};
