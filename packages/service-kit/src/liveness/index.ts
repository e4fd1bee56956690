export { type Heartbeat, Liveness, type LivenessReport, type LoopLiveness } from "./liveness.ts";
export { livezRoute, registerLivez } from "./livez-route.ts";
