// JSON rows from a byte stream: the file is one array of objects
// (`[{"sku": "A-1", "available": 5, "title": "optional"}, ...]`). A small scanner finds
// where each element starts and ends (tracking strings and nesting) and JSON.parse reads
// that element alone, so the file is never held whole; the syntax inside an element is
// JSON.parse's to check. An element's line is its index + 1.
import { UnreadableFileError } from "./import-errors";
import { MAX_RECORD_BYTES } from "./import-limits";
import type { ByteSource, SourceRow } from "./import-types";

const enum Phase {
  Start,
  First,
  Next,
  Value,
  After,
  End,
}

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const QUOTE = 34;
const BACKSLASH = 92;
const BOM = 0xfeff;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function rowOf(text: string, index: number): SourceRow {
  const line = index + 1;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UnreadableFileError(`The file is not valid JSON: element ${line} of the array: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { line, sku: undefined, available: undefined, title: undefined, problem: 'row must be an object like {"sku": "A-1", "available": 5}' };
  }
  const fields = value as Record<string, unknown>;
  return { line, sku: fields.sku, available: fields.available, title: fields.title };
}

export async function* readJsonRows(source: ByteSource): AsyncGenerator<SourceRow> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let phase = Phase.Start;
  let index = 0;
  let parts: string[] = [];
  let partsLength = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let seenAnything = false;

  const fail = (message: string): never => {
    throw new UnreadableFileError(`The file is not valid JSON: ${message}. Expected an array of objects like [{"sku": "A-1", "available": 5}].`);
  };

  function* scan(text: string): Generator<SourceRow> {
    let start = 0;
    const finish = (end: number): SourceRow => {
      const element = parts.length === 0 ? text.slice(start, end) : parts.join("") + text.slice(start, end);
      parts = [];
      partsLength = 0;
      return rowOf(element, index++);
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (phase === Phase.First || phase === Phase.Next) {
        if (isSpace(c)) continue;
        if (c === CLOSE_BRACKET) {
          if (phase === Phase.Next) fail(`a comma after element ${index} is followed by ]`);
          phase = Phase.End;
          continue;
        }
        // This character is the element's first: the Value case below reads it.
        phase = Phase.Value;
        start = i;
        depth = 0;
        inString = false;
        escaped = false;
      }
      switch (phase) {
        case Phase.Start:
          if (isSpace(c) || (c === BOM && !seenAnything)) break;
          seenAnything = true;
          if (c !== OPEN_BRACKET) fail("it does not start with [");
          phase = Phase.First;
          break;
        case Phase.End:
          if (!isSpace(c)) fail("there is more after the closing ]");
          break;
        case Phase.After:
          if (isSpace(c)) break;
          if (c === COMMA) phase = Phase.Next;
          else if (c === CLOSE_BRACKET) phase = Phase.End;
          else fail(`expected , or ] after element ${index}`);
          break;
        case Phase.Value:
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
          } else if (c === QUOTE) {
            inString = true;
          } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            depth += 1;
          } else if (depth > 0 && (c === CLOSE_BRACE || c === CLOSE_BRACKET)) {
            depth -= 1;
            if (depth === 0) {
              yield finish(i + 1);
              phase = Phase.After;
            }
          } else if (depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
            // The end of a scalar element (a number, a string, true...): rowOf says what is wrong with it.
            yield finish(i);
            phase = c === COMMA ? Phase.Next : Phase.End;
          } else if (c === CLOSE_BRACE) {
            fail(`unexpected } in element ${index + 1}`);
          }
          break;
      }
    }
    if (phase === Phase.Value) {
      const rest = text.slice(start);
      parts.push(rest);
      partsLength += rest.length;
      if (partsLength > MAX_RECORD_BYTES) {
        throw new UnreadableFileError(`Element ${index + 1} of the array is larger than ${MAX_RECORD_BYTES / 1024} KB (most often a string that is never closed).`);
      }
    }
  }

  for await (const chunk of source) {
    let text: string;
    try {
      text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      throw new UnreadableFileError("The file is not valid UTF-8 text.");
    }
    yield* scan(text);
  }
  try {
    yield* scan(decoder.decode());
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError("The file is not valid UTF-8 text.");
  }
  if (phase === Phase.Start) throw new UnreadableFileError('The file is empty: a JSON import is an array like [{"sku": "A-1", "available": 5}].');
  if (phase !== Phase.End) fail("the file ends before the closing ]");
}
