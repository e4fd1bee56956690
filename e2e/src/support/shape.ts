import { stack } from "./stack.ts";

/** The shape under test: the same contract holds in both; these are the legitimate differences. */
export const monolith = stack.shape === "monolith";

/** The Jaeger service name a module's spans carry: its own, or the one process hosting them all. */
export const serviceOf = (module: "users" | "postings" | "notices"): string => (monolith ? "monolith" : module);
