import { inputText, outputFromJson, summarizeSse, usageOf } from './openai-text';

describe('openai-text', () => {
  it('takes the last user message of a chat, text parts joined', () => {
    const body = {
      messages: [
        { role: 'system', content: 'correct verbs' },
        { role: 'user', content: 'old' },
        { role: 'assistant', content: 'x' },
        { role: 'user', content: [{ type: 'text', text: 'he ' }, { type: 'text', text: 'goed' }] },
      ],
    };
    expect(inputText('chat', body)).toBe('he goed');
    expect(inputText('completions', { prompt: ['a', 'b'] })).toBe('a\nb');
    expect(inputText('chat', {})).toBe('');
  });

  it('reads choices of a whole answer', () => {
    expect(outputFromJson({ choices: [{ message: { content: 'he went' } }] })).toBe('he went');
    expect(outputFromJson({ choices: [{ text: 'a' }, { text: 'b' }] })).toBe('a\nb');
    expect(outputFromJson('garbage')).toBe('');
  });

  it('joins streamed deltas per choice and keeps the usage chunk', () => {
    const sse = [
      'data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]}',
      'data: {"choices":[{"index":0,"delta":{"content":"he "}}]}',
      'data: {"choices":[{"index":0,"delta":{"content":"went"}}]}',
      'data: not json',
      'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    expect(summarizeSse(sse)).toEqual({ output: 'he went', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    expect(summarizeSse('data: {"choices":[{"text":"x"}]}\n\n')).toEqual({ output: 'x' });
  });

  it('estimates usage from words only when the answer has none', () => {
    expect(usageOf('he goed home', 'he went home', undefined)).toEqual({ usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 }, estimated: true });
    expect(usageOf('a', 'b', { prompt_tokens: 7, completion_tokens: 1 })).toEqual({ usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 }, estimated: false });
  });
});
