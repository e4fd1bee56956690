export { type Assault, assaultSchema, FaultInjector, type FaultInjectorOptions } from "./assault.ts";
export { FAULTS_ENABLED, faultControlToken, faultFlag, requireTokenWhenEnabled } from "./config.ts";
export { faultControlPath, registerFaultControl } from "./control-route.ts";
export { assaultRequests } from "./middleware.ts";
