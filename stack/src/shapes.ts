import type { ServiceName } from "./config.ts";

/** How the modules are grouped into processes; chosen at start (`npm start -- --shape monolith`). */
export const SHAPES = ["microservices", "monolith"] as const;
export type Shape = (typeof SHAPES)[number];

/** A process kind of the stack: its name (also its port's name) and the modules it hosts. */
export type UnitName = ServiceName | "monolith";
export type Unit = { name: UnitName; modules: ServiceName[] };

export const MODULES: ServiceName[] = ["users", "postings", "notices"];

/** The web front end is a process of its own in every shape: it talks to the API through the gateway. */
const WEB: Unit = { name: "web", modules: ["web"] };

/**
 * The units of each shape. A mixed grouping (say users+postings in one process, notices apart) is
 * one more entry here plus its process command in services.ts.
 */
const units: Record<Shape, Unit[]> = {
  microservices: [...MODULES.map((m) => ({ name: m, modules: [m] })), WEB],
  monolith: [{ name: "monolith", modules: [...MODULES] }, WEB],
};

export const unitsOf = (shape: Shape): Unit[] => units[shape];

export function parseShape(raw: string | undefined): Shape {
  if (raw === undefined) return "microservices";
  if ((SHAPES as readonly string[]).includes(raw)) return raw as Shape;
  throw new Error(`--shape ${raw}: choose one of ${SHAPES.join(", ")}`);
}
