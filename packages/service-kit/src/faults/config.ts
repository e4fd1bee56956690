import { z } from "zod";

/** The one value that turns a module's fault injection on; absent or anything else leaves it out entirely. */
export const FAULTS_ENABLED = "enabled";

/** A module's fault flag (e.g. `NOTICES_FAULTS`): true only for exactly `enabled`. */
export const faultFlag = () =>
  z
    .string()
    .optional()
    .transform((value) => value === FAULTS_ENABLED);

/** `FAULTS_CONTROL_TOKEN`: the bearer token the control route requires (the stack's per-run control token). */
export const faultControlToken = () => z.string().min(32, "must be at least 32 characters").optional();

/** Cross-field rule for a config schema: a fault flag that is on needs the control token. */
export function requireTokenWhenEnabled(flagName: string, tokenName = "FAULTS_CONTROL_TOKEN") {
  return (env: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (env[flagName] === true && !env[tokenName]) {
      ctx.addIssue({ code: "custom", path: [tokenName], message: `required when ${flagName}=${FAULTS_ENABLED}` });
    }
  };
}
