import { describe, expect, test } from "bun:test";
import { parseShape, unitsOf } from "./shapes.ts";

describe("shapes", () => {
  test("microservices: a process per module; monolith: one process hosting all three; web apart in both", () => {
    expect(unitsOf("microservices")).toEqual([
      { name: "users", modules: ["users"] },
      { name: "postings", modules: ["postings"] },
      { name: "notices", modules: ["notices"] },
      { name: "web", modules: ["web"] },
    ]);
    expect(unitsOf("monolith")).toEqual([
      { name: "monolith", modules: ["users", "postings", "notices"] },
      { name: "web", modules: ["web"] },
    ]);
  });

  test("every module is hosted exactly once in each shape", () => {
    for (const shape of ["microservices", "monolith"] as const) {
      expect(
        unitsOf(shape)
          .flatMap((u) => u.modules)
          .sort(),
      ).toEqual(["notices", "postings", "users", "web"]);
    }
  });

  test("--shape is microservices by default and names the choices when wrong", () => {
    expect(parseShape(undefined)).toBe("microservices");
    expect(parseShape("monolith")).toBe("monolith");
    expect(() => parseShape("modulith")).toThrow("choose one of microservices, monolith");
  });
});
