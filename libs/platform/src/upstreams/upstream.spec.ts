import { UpstreamAllowlist, UpstreamsFile, hostPort, servingCheck, type UpstreamRules } from './upstream';

const file = UpstreamsFile.from({
  models: {
    'grammar-tutor': [{ variant: 'base', base_url: 'http://127.0.0.1:7110/v1', model: 'base' }],
    '*': [{ default: true, base_url: 'http://models.internal:8000/v1', model: 'any' }],
  },
});
const rules = (allowed: string[] = []): UpstreamRules => ({ file, allowed: new UpstreamAllowlist([...allowed, ...file.hosts()]), defaultTimeoutMs: 1000, env: {} });
const v = (tags: Record<string, string>, semver: string | null = null) => ({ digest: `sha256:${'a'.repeat(64)}`, semver, tags });

describe('upstream rules', () => {
  it('normalises host:port, default ports included', () => {
    expect(hostPort('http://LOCALHOST/v1')).toBe('localhost:80');
    expect(hostPort('https://x.example/v1')).toBe('x.example:443');
    expect(hostPort('file:///etc/passwd')).toBeUndefined();
    expect(hostPort('not a url')).toBeUndefined();
  });

  it('allows exact host:port entries, bare hosts on any port, and the file hosts', () => {
    const a = new UpstreamAllowlist(['10.0.0.5:8000', 'gpu-pool', ...file.hosts()]);
    expect(a.allows('http://10.0.0.5:8000/v1')).toBe(true);
    expect(a.allows('http://10.0.0.5:8001/v1')).toBe(false);
    expect(a.allows('http://gpu-pool:1234/v1')).toBe(true);
    expect(a.allows('http://127.0.0.1:7110/v1')).toBe(true);
    expect(a.allows('http://127.0.0.1:4222/v1')).toBe(false);
    expect(a.allows('http://169.254.169.254/latest')).toBe(false);
  });

  it('defaults to the model server when LYNX_UPSTREAM_ALLOWED_HOSTS is unset', () => {
    const a = UpstreamAllowlist.from({}, new UpstreamsFile());
    expect(a.allows('http://127.0.0.1:7110/v1')).toBe(true);
    expect(a.allows('http://127.0.0.1:6379/v1')).toBe(false);
    expect(UpstreamAllowlist.from({ LYNX_MODEL_SERVER_PORT: '9000' }, new UpstreamsFile()).allows('http://localhost:9000/v1')).toBe(true);
  });

  it('serves a version only from an allowed upstream, and no pre-release of any case in prod', () => {
    expect(servingCheck('grammar-tutor', v({ variant: 'base' }), rules(), false)).toEqual({ upstream: expect.objectContaining({ baseUrl: 'http://127.0.0.1:7110/v1', model: 'base' }) });
    expect(servingCheck('other', v({}), rules(), false)).toEqual({ upstream: expect.objectContaining({ baseUrl: 'http://models.internal:8000/v1' }) });
    const ssrf = servingCheck('grammar-tutor', v({ 'upstream.base_url': 'http://127.0.0.1:4222/v1' }), rules(), false);
    expect(ssrf).toEqual({ problem: expect.stringMatching(/not an allowed host/) });
    for (const semver of ['v2.0.0-DEV.1', 'v2.0.0-dev.1', 'v2.0.0-rc.1']) {
      expect(servingCheck('grammar-tutor', v({ variant: 'base' }, semver), rules(), true)).toEqual({ problem: expect.stringMatching(/pre-release/) });
      expect('upstream' in servingCheck('grammar-tutor', v({ variant: 'base' }, semver), rules(), false)).toBe(true);
    }
    expect('upstream' in servingCheck('grammar-tutor', v({ variant: 'base' }, 'v2.0.0'), rules(), true)).toBe(true);
  });
});
