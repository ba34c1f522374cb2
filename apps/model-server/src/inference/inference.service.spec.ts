import { ValidationError } from '@lynx/schema';
import { learnerSentence, streamPieces } from './inference.service';

describe('streamPieces', () => {
  it.each(['Yesterday he went to school.', '  Leading and trailing  ', 'Wait , what?!', 'x', "He's done it."])('joins back to %j', (text) => {
    expect(streamPieces(text).join('')).toBe(text);
  });

  it('gives one piece per token, each with the space before it', () => {
    expect(streamPieces('He went home.')).toEqual(['He', ' went', ' home', '.']);
  });
});

describe('learnerSentence', () => {
  it('takes the last user message, joining text parts', () => {
    const got = learnerSentence([
      { role: 'user', content: 'first' },
      { role: 'user', content: [{ type: 'text', text: 'He ' }, { type: 'text', text: 'go.' }] },
      { role: 'assistant', content: 'ok' },
    ]);
    expect(got).toEqual({ sentence: 'He go.', param: 'messages.1.content' });
  });

  it('refuses a conversation without a user message', () => {
    expect(() => learnerSentence([{ role: 'system', content: 'hi' }])).toThrow(ValidationError);
  });
});
