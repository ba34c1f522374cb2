import { ForbiddenError, LynxError, ModelNotFoundError, NotFoundError, UnauthorizedError, UpstreamUnavailableError } from '@lynx/schema';
import { registryError, registryErrorParts } from './errors';
import { registryToken } from './token';

const body = (code: string, message: string, details?: unknown) => JSON.stringify({ error: { code, message, details } });

describe('registryError', () => {
  it('turns the registry error shape into the named error with its code, status and details', () => {
    const err = registryError(404, body('model_not_found', 'no model m', { model: 'm' }), 'GET /v1/models/m');
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect([err.code, err.status, err.message, err.details]).toEqual(['model_not_found', 404, 'no model m', { model: 'm' }]);
  });

  it('says how to set LYNX_TOKEN on a 401, and keeps the registry words apart from the hint', () => {
    const err = registryError(401, body('unauthorized', 'missing bearer token'), 'GET /v1/models');
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).toMatch(/^missing bearer token\n {2}→ set LYNX_TOKEN/);
    expect(registryErrorParts(err)).toMatchObject({ message: 'missing bearer token', hint: expect.stringContaining('export LYNX_TOKEN='), status: 401, code: 'unauthorized' });
  });

  it('maps by status when the answer is not Lynx-shaped', () => {
    expect(registryError(403, 'nope', 'x')).toBeInstanceOf(ForbiddenError);
    const missing = registryError(404, '<html>', 'GET /x');
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toContain('404');
    expect(registryError(409, 'busy', 'x').code).toBe('http_409');
  });

  it('keeps codes it has no class for as a LynxError with the answered status', () => {
    const err = registryError(409, body('semver_conflict', 'v1 is taken'), 'x');
    expect(err.constructor).toBe(LynxError);
    expect([err.code, err.status]).toEqual(['semver_conflict', 409]);
  });

  it('reports a failing registry as unavailable, but a 503 as the registry said it', () => {
    const failed = registryError(500, body('internal_error', 'boom'), 'GET /v1/traffic/m');
    expect(failed).toBeInstanceOf(UpstreamUnavailableError);
    expect(failed.details).toMatchObject({ status: 500, code: 'internal_error' });
    expect(registryErrorParts(failed)).toMatchObject({ message: 'boom', status: 500, code: 'internal_error' });
    expect(registryError(503, body('not_ready', 'starting'), 'x')).toMatchObject({ code: 'not_ready', status: 503 });
  });
});

describe('registryToken', () => {
  it('takes the explicit token, else LYNX_TOKEN, and none when asked for none', () => {
    expect(registryToken('a', { LYNX_TOKEN: 'b' })).toBe('a');
    expect(registryToken(undefined, { LYNX_TOKEN: 'b' })).toBe('b');
    expect(registryToken('', { LYNX_TOKEN: '' })).toBeUndefined();
    expect(registryToken(null, { LYNX_TOKEN: 'b' })).toBeUndefined();
  });
});
