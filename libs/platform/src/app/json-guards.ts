import { parse as parseJsonSafely } from 'secure-json-parse';
import { ERROR_CODES, JsonTooDeepError, LynxError, NulByteError, UnsupportedMediaTypeError } from '@lynx/schema';

/**
 * Deepest nesting of arrays and objects a JSON body may have. OpenAI bodies with tool schemas nest
 * a dozen levels; 5 000 levels made re-serialising a body overflow the stack, so the limit is
 * checked on the text, before anything parses, walks or re-serialises it.
 */
export const MAX_JSON_DEPTH = 64;

/** Charsets read as UTF-8 (US-ASCII is a subset); any other declared charset is refused with 415. */
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/** The declared charset of a Content-Type, lowercased, or undefined. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  return m ? m[1].toLowerCase() : undefined;
}

/** Lynx reads every body as UTF-8: a body declared in another charset is refused, never misread. */
export function checkUtf8Charset(contentType: string | undefined): void {
  const charset = charsetOf(contentType);
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    throw new UnsupportedMediaTypeError(`charset ${JSON.stringify(charset)} is not supported: send the body as UTF-8 (charset=utf-8)`, { charset });
  }
}

/** True when the JSON text nests arrays/objects deeper than `max` (strings skipped; one pass, no recursion). */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** True when a parsed JSON value holds a NUL in any string or key (iterative: depth is bounded already). */
export function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

/**
 * Parses a JSON body as Lynx's JSON routes accept it: not empty (400), nested at most
 * MAX_JSON_DEPTH (400 json_too_deep), well-formed (400), no `__proto__` or `constructor.prototype`
 * keys (400) and, when `refuseNul`, no NUL in any string or key (400 nul_byte: PostgreSQL text
 * cannot hold one, and no Lynx field needs one).
 */
export function parseJsonText(text: string, opts: { refuseNul: boolean }): unknown {
  if (!/\S/.test(text)) throw new LynxError(ERROR_CODES.badRequest, 'the request body is empty: send a JSON object', 400);
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) throw new JsonTooDeepError(MAX_JSON_DEPTH);
  let value: unknown;
  try {
    value = parseJsonSafely(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw new LynxError(ERROR_CODES.badRequest, `malformed JSON body: ${(err as Error).message}`, 400);
  }
  if (opts.refuseNul && containsNul(value)) throw new NulByteError('JSON body');
  return value;
}
