// The body Rappit's web pixel sends (extensions/rappit-pixel/src/payload.ts), as the ingest
// endpoint accepts it. Bounded everywhere: this is a public endpoint.
import { z } from "zod";

export const PIXEL_EVENT_NAMES = ["checkout_completed", "payment_info_submitted", "checkout_started"] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .nullish()
    .transform((value) => (value ? value : null));

export const pixelPayloadSchema = z.object({
  accountID: z.string().trim().min(1, { message: "is required" }).max(64),
  eventId: z.string().trim().min(1, { message: "is required" }).max(128),
  name: z.enum(PIXEL_EVENT_NAMES, { message: `must be one of ${PIXEL_EVENT_NAMES.join(", ")}` }),
  timestamp: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }),
  checkoutToken: optionalText(128),
  orderId: optionalText(64).refine((value) => value === null || /^\d+$/.test(value), { message: "must be a numeric order id" }),
  email: optionalText(254),
  phone: optionalText(32),
  gateways: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
});

export type PixelPayload = z.output<typeof pixelPayloadSchema>;

/** "field: message" of the first problem, for a 400 a developer can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid payload";
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
