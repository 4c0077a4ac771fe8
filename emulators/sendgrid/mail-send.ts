// POST /v3/mail/send: SendGrid's validation of the slice Rappit uses, and its answers.
// Errors are {errors:[{message, field, help}]}; success is 202 with no body and X-Message-Id.
import { randomBytes } from "node:crypto";
import type { SendgridMail, SendgridState } from "./state";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const problem = (status: number, message: string, field: string | null = null): Reply => ({
  status,
  body: { errors: [{ message, field, help: null }] },
});

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function mailSendReply(state: SendgridState, authorization: string | undefined, raw: string): Reply {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!token || token !== state.apiKey) return problem(401, "The provided authorization grant is invalid, expired, or revoked");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return problem(400, "Bad Request", null);
  }
  if (!isRecord(body)) return problem(400, "Bad Request", null);
  const personalizations = body.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    return problem(400, "The personalizations field is required and must have at least one personalization.", "personalizations");
  }
  const to: string[] = [];
  for (const [index, item] of personalizations.entries()) {
    const list = isRecord(item) ? item.to : undefined;
    if (!Array.isArray(list) || list.length === 0) return problem(400, "The to array is required for all personalization objects, and must have at least one email object with a valid email address.", `personalizations.${index}.to`);
    for (const recipient of list) {
      const email = isRecord(recipient) ? recipient.email : undefined;
      if (typeof email !== "string" || !EMAIL.test(email)) return problem(400, "Does not contain a valid address.", `personalizations.${index}.to`);
      to.push(email);
    }
  }
  const from = isRecord(body.from) ? body.from.email : undefined;
  if (typeof from !== "string" || !EMAIL.test(from)) return problem(400, "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.", "from.email");
  if (typeof body.subject !== "string" || body.subject === "") return problem(400, "The subject is required. You can get around this requirement if you use a template with a subject defined.", "subject");
  const content = body.content;
  if (!Array.isArray(content) || content.length === 0) return problem(400, "Unless a valid template_id is provided, the content parameter is required.", "content");
  const parts = content.filter(isRecord);
  if (parts.some((part) => typeof part.type !== "string" || typeof part.value !== "string" || part.value === "")) {
    return problem(400, "The content value must be a string at least one character in length.", "content.0.value");
  }
  if (parts.length > 1 && parts[0].type !== "text/plain") return problem(400, "If present, text/plain content must be first, followed by text/html.", "content.0.type");
  const id = randomBytes(16).toString("base64url").slice(0, 22);
  const mail: SendgridMail = {
    id,
    from,
    to,
    subject: body.subject,
    text: (parts.find((part) => part.type === "text/plain")?.value as string | undefined) ?? null,
    html: (parts.find((part) => part.type === "text/html")?.value as string | undefined) ?? null,
    body,
    at: new Date().toISOString(),
  };
  state.mails.push(mail);
  return { status: 202, headers: { "X-Message-Id": id } };
}
