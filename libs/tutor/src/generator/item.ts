import type { ErrorType, Person, Tense } from '../lexicon';

/** One learner sentence with its correction and labels (one line of the corpus / eval set). */
export interface TutorItem {
  id: string;
  /** The learner's sentence, possibly with one verb error. */
  input: string;
  /** The corrected sentence; equal to `input` when the learner was right. */
  target: string;
  /** The verb under test; `index` is its token position (see `tokenize`) in both input and target. */
  verb: { lemma: string; tense: Tense; person: Person; index: number };
  error: ErrorType | null;
  buckets: string[];
}
