import { z } from 'zod';
import { NotFoundError, UnauthorizedError } from '@lynx/schema';
import { toOpenAiError } from './openai-exception.filter';

describe('toOpenAiError', () => {
  it('keeps Lynx status and code, with OpenAI type', () => {
    expect(toOpenAiError(new NotFoundError('model "x" is not served'))).toEqual({
      status: 404,
      body: { error: { message: 'model "x" is not served', type: 'invalid_request_error', param: null, code: 'not_found' } },
    });
    expect(toOpenAiError(new UnauthorizedError('no token')).body.error.type).toBe('authentication_error');
  });

  it('names the first invalid field of a validation error as param', () => {
    const parsed = z.object({ messages: z.array(z.object({ content: z.string() })) }).safeParse({ messages: [{ content: 1 }] });
    const { status, body } = toOpenAiError(parsed.error);
    expect(status).toBe(400);
    expect(body.error.param).toBe('messages.0.content');
  });

  it('hides internal failures behind a null code and server_error', () => {
    const { status, body } = toOpenAiError(new Error('boom'));
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ type: 'server_error', code: null });
    expect(body.error.message).not.toContain('boom');
  });
});
