// What the API route needs to hand an upload to the import: the format from the
// Content-Type, and the body as chunks with the size cap enforced while it streams.
import { FileTooLargeError } from "./import-errors";
import type { ImportFormat } from "./import-types";

const FORMATS: Record<string, ImportFormat> = { "text/csv": "CSV", "application/json": "JSON" };

/** `text/csv` or `application/json` (parameters such as charset ignored); anything else: null. */
export function importFormatOf(contentType: string | null): ImportFormat | null {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return FORMATS[mediaType] ?? null;
}

async function* chunksOf(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    yield* body;
    return;
  }
  // The DOM typings give web streams no async iterator; a reader works everywhere.
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stopped early (bad file, too large): the rest of the upload is not wanted.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** The body's chunks; throws FileTooLargeError as soon as more than `maxBytes` arrived. */
export async function* limitedBody(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let received = 0;
  for await (const chunk of chunksOf(body)) {
    received += chunk.byteLength;
    if (received > maxBytes) throw new FileTooLargeError(maxBytes);
    yield chunk;
  }
}
