/**
 * The Lynx word tokenizer (`lynx-word-v1`): a token is a run of ASCII letters (with an
 * optional apostrophe suffix such as "'s"), a run of digits, or any other single
 * non-space character. "Yesterday, he goed home." → [Yesterday , he goed home .].
 * Whitespace is dropped; `detokenize` re-joins tokens the way the generator writes text.
 * Token counts for usage accounting (prompt/completion tokens) come from this function.
 */
const TOKEN = /[A-Za-z]+(?:'[A-Za-z]+)?|[0-9]+|[^\sA-Za-z0-9]/g;

export const TOKENIZER_ID = 'lynx-word-v1';

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Number of tokens in `text`, without building the array's strings more than once. */
export function countTokens(text: string): number {
  TOKEN.lastIndex = 0;
  let n = 0;
  while (TOKEN.exec(text) !== null) n++;
  return n;
}

const NO_SPACE_BEFORE = new Set(['.', ',', '!', '?', ';', ':']);

export function detokenize(tokens: readonly string[]): string {
  let out = '';
  for (const t of tokens) out += out === '' || NO_SPACE_BEFORE.has(t) ? t : ' ' + t;
  return out;
}

/** Tokens with their character offsets, for edits that keep the rest of the text as written. */
export function tokenSpans(text: string): Array<{ token: string; start: number }> {
  const out: Array<{ token: string; start: number }> = [];
  for (const m of text.matchAll(TOKEN)) out.push({ token: m[0], start: m.index ?? 0 });
  return out;
}
