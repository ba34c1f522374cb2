import { countTokens } from '@lynx/tutor';

/**
 * Token count of a text when the upstream reported no usage: the tutor's `lynx-word-v1`
 * tokenizer, the same count the reference model server reports for the tutor.
 */
export function estimateTokens(text: string): number {
  return countTokens(text);
}
