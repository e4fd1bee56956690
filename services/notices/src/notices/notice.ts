import { z } from "@hono/zod-openapi";
import { maxJsonBytesFor, textField } from "@msa-board/service-kit/text-fields";

export const TITLE_MAX = 200;
export const BODY_MAX = 10_000;
export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 50;

export type Notice = { id: string; title: string; body: string; createdAt: string; updatedAt: string };

export const NoticeSchema = z
  .object({
    id: z.string().openapi({ example: "0b6f6c5e-8d0c-4c4e-9f59-3c1f6f3f2a11" }),
    title: z.string().openapi({ example: "Maintenance" }),
    body: z.string().openapi({ example: "The board is read-only on Sunday 02:00–03:00 UTC." }),
    createdAt: z.string().openapi({ format: "date-time", example: "2025-01-01T12:00:00.000Z" }),
    updatedAt: z.string().openapi({ format: "date-time", example: "2025-01-01T12:00:00.000Z" }),
  })
  .openapi("Notice");

const title = textField({ maxLength: TITLE_MAX, example: "Maintenance" });
const body = textField({
  maxLength: BODY_MAX,
  multiline: true,
  trim: true,
  example: "The board is read-only on Sunday 02:00–03:00 UTC.",
});

/** Room for a title and a body at their longest, however their characters are escaped. */
export const MAX_BODY_BYTES = maxJsonBytesFor(TITLE_MAX + BODY_MAX);

/** Unknown fields are refused (400): a misspelt `titel` should not silently do nothing. */
export const CreateNoticeSchema = z.strictObject({ title, body }).openapi("CreateNotice");

export const UpdateNoticeSchema = z
  .strictObject({ title: title.optional(), body: body.optional() })
  .refine((patch) => patch.title !== undefined || patch.body !== undefined, {
    message: "give at least one of title, body",
  })
  .openapi("UpdateNotice", { minProperties: 1 });

export type NoticeDraft = z.infer<typeof CreateNoticeSchema>;
export type NoticePatch = z.infer<typeof UpdateNoticeSchema>;

export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIST_LIMIT_MAX)
    .default(LIST_LIMIT_DEFAULT)
    .openapi({ description: `How many of the newest notices (1–${LIST_LIMIT_MAX}, default ${LIST_LIMIT_DEFAULT}).` }),
});

export const NoticeListSchema = z.object({ items: z.array(NoticeSchema) }).openapi("NoticeList");

export const IdParamSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "0b6f6c5e-8d0c-4c4e-9f59-3c1f6f3f2a11" }),
});

/** Ids are generated here; anything else in the path cannot name a notice (404 without a lookup). */
export const isNoticeId = (id: string): boolean => /^[A-Za-z0-9_-]{1,64}$/.test(id);
