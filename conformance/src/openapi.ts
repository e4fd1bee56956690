import type { App } from "./target.ts";

export type Operation = {
  method: string;
  /** As the document writes it, e.g. `/postings/{id}`; `key` is `METHOD /postings/{id}`. */
  template: string;
  key: string;
  /** A concrete path: every parameter filled with a sample id. */
  path: string;
  secured: boolean;
  hasBody: boolean;
};

type Document = { paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>> };

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The operations a service declares in its own OpenAPI document: the rules cover exactly these. */
export async function operationsOf(app: App): Promise<Operation[]> {
  const res = await app.request("/openapi.json");
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  const doc = (await res.json()) as Document;
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      key: `${method.toUpperCase()} ${template}`,
      path: template.replace(/\{[^}]+\}/g, "conformance-0000"),
      secured: (op.security ?? []).length > 0,
      hasBody: op.requestBody !== undefined,
    })),
  );
}
