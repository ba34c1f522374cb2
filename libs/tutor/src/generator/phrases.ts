import type { Person, Tense } from '../lexicon';

/** Subjects by person. "you all"/"you both" mark the plural you. */
export const SUBJECTS: Record<Person, readonly string[]> = {
  '1sg': ['I'],
  '2sg': ['you'],
  '3sg': ['he', 'she', 'Anna', 'Tom', 'Maria', 'David', 'my brother', 'the teacher', 'our neighbour'],
  '1pl': ['we', 'my friend and I'],
  '2pl': ['you all', 'you both'],
  '3pl': ['they', 'my parents', 'the students', 'the children', 'Anna and Tom'],
};

/** Time adverbials that fix the tense: at the front (followed by a comma), mid (before the verb) or at the end. */
export const ADVERBIALS: Record<Tense, { front: readonly string[]; mid: readonly string[]; end: readonly string[] }> = {
  present_simple: {
    front: ['Every day', 'Every morning', 'On Sundays'],
    mid: ['usually', 'often', 'always', 'sometimes'],
    end: ['every day', 'every week', 'on Sundays'],
  },
  past_simple: {
    front: ['Yesterday', 'Last week', 'Last year'],
    mid: [],
    end: ['yesterday', 'last week', 'two days ago', 'last night'],
  },
  past_participle: { front: [], mid: ['already', 'just', 'never'], end: ['since 2019', 'for two years', 'before'] },
  simple_future: { front: ['Tomorrow', 'Next week'], mid: [], end: ['tomorrow', 'next week', 'next year', 'soon'] },
  infinitive: { front: [], mid: [], end: [] },
};

/** Verbs that introduce an infinitive: "I want to go", "he needs to go". */
export const INFINITIVE_HEADS = ['want', 'need', 'hope', 'plan'] as const;

const OBJECTS: Record<string, readonly string[]> = {
  be: ['happy', 'at home', 'tired', 'in London', 'ready'],
  have: ['a dog', 'breakfast', 'a new car'],
  go: ['to school', 'home', 'to the park', 'to work'],
  do: ['the homework', 'the dishes', 'yoga'],
  say: ['hello', 'nothing', 'the truth'],
  make: ['a cake', 'dinner', 'a mistake'],
  take: ['the bus', 'a photo', 'the train'],
  get: ['a letter', 'a present', 'good marks'],
  see: ['a film', 'the sea', 'our friends'],
  come: ['home', 'to the party', 'back'],
  know: ['the answer', 'the way', 'her name'],
  think: ['about it', 'about the test'],
  give: ['a present', 'the book to Sam', 'advice'],
  find: ['the keys', 'a job', 'the answer'],
  tell: ['a story', 'the truth', 'a joke'],
  become: ['a doctor', 'famous', 'friends'],
  leave: ['the house', 'early', 'work'],
  feel: ['better', 'tired', 'happy'],
  bring: ['a cake', 'the books', 'lunch'],
  begin: ['the lesson', 'a new job', 'the work'],
  keep: ['a diary', 'the money', 'calm'],
  write: ['a letter', 'an email', 'a story'],
  eat: ['lunch', 'an apple', 'breakfast'],
  run: ['in the park', 'to school', 'a marathon'],
  die: ['in the story'],
  shop: ['for food', 'at the market'],
  win: ['the game', 'a prize'],
  lose: ['the keys', 'the game'],
  miss: ['the bus', 'the train'],
  love: ['music', 'the film'],
  like: ['music', 'the film'],
  play: ['football', 'the piano'],
  read: ['a book', 'the news'],
  drink: ['coffee', 'water'],
  sing: ['a song', 'in the choir'],
  speak: ['English', 'to the class'],
  arrive: ['at school', 'late', 'home'],
  happen: ['again'],
  smile: ['at us', 'a lot'],
  listen: ['to music', 'to the radio'],
  wait: ['for the bus', 'for us'],
  cry: ['at the end', 'a lot'],
  worry: ['about the test', 'a lot'],
  live: ['in London', 'here', 'near the sea'],
  sleep: ['well', 'late'],
  fly: ['to Paris', 'home'],
  swim: ['in the lake', 'every morning'],
  fall: ['asleep', 'down'],
  sit: ['in the garden', 'here'],
  stand: ['in the queue', 'here'],
  grow: ['tomatoes', 'vegetables'],
  jog: ['in the park', 'with Sam'],
  dance: ['at the party', 'together'],
  stay: ['at home', 'with friends'],
  talk: ['to Sam', 'about music'],
  walk: ['to school', 'the dog'],
  work: ['at a bank', 'hard', 'from home'],
};

const DEFAULT_OBJECTS = ['it', 'the book', 'the car', 'the window', 'the letter'];

export function objectsFor(lemma: string): readonly string[] {
  return OBJECTS[lemma] ?? DEFAULT_OBJECTS;
}
