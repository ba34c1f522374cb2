import { ConfigError, PORTS } from '@lynx/schema';
import { loadConfig, portVariable } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig('registry', {});
    expect(c).toMatchObject({
      app: 'registry',
      env: 'dev',
      dataDir: '.lynx',
      natsUrl: 'nats://127.0.0.1:4222',
      redisUrl: 'redis://127.0.0.1:6379',
      registryUrl: 'http://127.0.0.1:7101',
      port: PORTS.registry,
      host: '127.0.0.1',
      namespace: 'lynx',
      logLevel: 'info',
      maxBlobBytes: 8 * 1024 ** 3,
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.tokensFile).toBeUndefined();
  });

  it('reads the per-app port variable with dashes as underscores', () => {
    expect(portVariable('model-server')).toBe('LYNX_MODEL_SERVER_PORT');
    expect(loadConfig('model-server', { LYNX_MODEL_SERVER_PORT: '9001' }).port).toBe(9001);
    // Another app's port variable does not leak in.
    expect(loadConfig('router', { LYNX_MODEL_SERVER_PORT: '9001' }).port).toBe(PORTS.router);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig('gate', { LYNX_DATABASE_URL: '', LYNX_ENV: '' })).toMatchObject({ env: 'dev', databaseUrl: undefined });
  });

  it.each([
    ['LYNX_ENV', 'staging', /LYNX_ENV: .*dev.*prod.*test/],
    ['LYNX_NATS_URL', 'http://x', /LYNX_NATS_URL: expected a URL starting with nats:\/\//],
    ['LYNX_REDIS_URL', 'not a url', /LYNX_REDIS_URL: expected a URL/],
    ['LYNX_DATABASE_URL', 'mysql://x', /LYNX_DATABASE_URL: expected a URL starting with postgres:/],
    ['LYNX_MAX_BLOB_BYTES', '-5', /LYNX_MAX_BLOB_BYTES/],
    ['LYNX_LOG_LEVEL', 'loud', /LYNX_LOG_LEVEL/],
    ['LYNX_NAMESPACE', 'Has Spaces', /LYNX_NAMESPACE/],
    ['LYNX_GATE_PORT', '70000', /LYNX_GATE_PORT/],
    ['LYNX_GATE_PORT', 'abc', /LYNX_GATE_PORT/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig('gate', { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig('gate', { [name]: value })).toThrow(message);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig('gate', { LYNX_ENV: 'x', LYNX_GATE_PORT: 'y' })).toThrow(/LYNX_ENV.*LYNX_GATE_PORT/);
  });

  it('requires a tokens file in prod', () => {
    expect(() => loadConfig('registry', { LYNX_ENV: 'prod' })).toThrow(/LYNX_TOKENS_FILE: required when LYNX_ENV=prod/);
    expect(loadConfig('registry', { LYNX_ENV: 'prod', LYNX_TOKENS_FILE: 'tokens.json' }).env).toBe('prod');
  });
});
