import { serviceCliError } from './error-hints';
import { EXIT } from './exit';

describe('the CLI\'s one error mapping', () => {
  it('tells a 401 how to set LYNX_TOKEN and make a token, with or without Lynx\'s error shape', () => {
    for (const code of ['unauthorized', undefined]) {
      const e = serviceCliError('registry', 401, code, 'missing bearer token');
      expect(e.exitCode).toBe(EXIT.error);
      expect(e.message).toMatch(/^unauthorized: missing bearer token/);
      expect(e.message).toContain('export LYNX_TOKEN=<token>');
      expect(e.message).toContain('lynx token create --role');
    }
  });

  it('names each ref of a plan that cannot be served and how to give it an upstream', () => {
    const e = serviceCliError('router', 400, 'validation_failed', 'traffic plan for grammar-tutor cannot be served', {
      refs: [{ ref: 'candidate', arm: 'shadow', problem: 'no upstream for sha256:dd9b: set its registry tags upstream.base_url and upstream.model, or add it to lynx.upstreams.yaml' }],
    });
    expect(e.message).toContain('router: validation_failed');
    expect(e.message).toContain('candidate (shadow): no upstream for sha256:dd9b');
    expect(e.message).toContain('lynx tag <model>@<digest> upstream.base_url=');
    expect(e.message).toContain('lynx.upstreams.yaml');
  });

  it('keeps details and the hint of other codes', () => {
    const e = serviceCliError('registry', 404, 'version_not_found', 'no such version', { ref: 'x' });
    expect(e.message).toBe('version_not_found: no such version\n  details: {"ref":"x"}\n  → list versions with `lynx versions <model>`');
  });
});
