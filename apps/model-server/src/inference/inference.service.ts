import { Injectable } from '@nestjs/common';
import { ContextLengthExceededError, MAX_SENTENCE_CHARS, ValidationError, type ChatMessage } from '@lynx/schema';
import { correct, countTokens, tokenSpans, type Correction } from '@lynx/tutor';
import type { Variant } from '../variants/variant';

export interface Answer {
  /** The corrected sentence, cut at max_tokens when that is smaller. */
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  correction: Correction;
}

/**
 * Runs the tutor for one sentence and counts tokens with its tokenizer (`lynx-word-v1`, see
 * libs/tutor tokenize.ts): prompt tokens are those of the sentence the tutor reads, completion
 * tokens those of the text returned.
 */
@Injectable()
export class InferenceService {
  answer(variant: Variant, sentence: string, maxTokens: number | null | undefined, param: string): Answer {
    checkSentence(sentence, param);
    const correction = correct(variant.model, sentence);
    const full = correction.corrected;
    const spans = tokenSpans(full);
    let text = full;
    let finishReason: Answer['finishReason'] = 'stop';
    if (maxTokens != null && spans.length > maxTokens) {
      const last = spans[maxTokens - 1];
      text = full.slice(0, last.start + last.token.length);
      finishReason = 'length';
    }
    return { text, promptTokens: countTokens(sentence), completionTokens: Math.min(spans.length, maxTokens ?? Infinity), finishReason, correction };
  }
}

function issue(param: string, message: string) {
  return { issues: [{ path: param, code: 'custom', message }] };
}

/** Empty and oversized input are refused here, with the field named, rather than answered unchanged. */
export function checkSentence(sentence: string, param: string): void {
  if (sentence.trim() === '') throw new ValidationError(`${param}: the learner's sentence is empty`, issue(param, 'empty'));
  if (sentence.length > MAX_SENTENCE_CHARS) {
    throw new ContextLengthExceededError(
      `${param}: the sentence has ${sentence.length} characters; this model reads at most ${MAX_SENTENCE_CHARS}`,
      { ...issue(param, 'too long'), max: MAX_SENTENCE_CHARS, length: sentence.length },
    );
  }
}

/** The learner's sentence: the text of the last user message (system and earlier turns are context the tutor does not read). */
export function learnerSentence(messages: readonly ChatMessage[]): { sentence: string; param: string } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    const param = `messages.${i}.content`;
    const c = m.content;
    const sentence = c == null ? '' : typeof c === 'string' ? c : c.map((p) => p.text).join('');
    return { sentence, param };
  }
  throw new ValidationError('messages: no user message: the last user message is the sentence to correct', issue('messages', 'no user message'));
}

/**
 * `text` cut into streamed pieces, one per token, each carrying the whitespace before it, so
 * the pieces joined are exactly the non-streamed text.
 */
export function streamPieces(text: string): string[] {
  const spans = tokenSpans(text);
  if (spans.length === 0) return text ? [text] : [];
  const pieces: string[] = [];
  let from = 0;
  for (let i = 0; i < spans.length; i++) {
    const end = i === spans.length - 1 ? text.length : spans[i].start + spans[i].token.length;
    pieces.push(text.slice(from, end));
    from = end;
  }
  return pieces;
}
