import { HIDDEN_TAG_VALUE } from '@lynx/platform';
import { hidesUpstreams, redactUpstreams } from './redact-upstream';

describe('upstream redaction', () => {
  it('hides every upstream.* string wherever it sits, keeping keys and everything else', () => {
    const body = {
      items: [{ digest: 'sha256:x', tags: { 'upstream.base_url': 'http://10.0.0.5:8000/v1', 'upstream.model': 'base', variant: 'lora' } }],
      entries: [{ action: 'tags.changed', before: { 'upstream.base_url': 'http://a/v1' }, after: {} }],
      count: 1,
      note: null,
    };
    expect(redactUpstreams(body)).toEqual({
      items: [{ digest: 'sha256:x', tags: { 'upstream.base_url': HIDDEN_TAG_VALUE, 'upstream.model': HIDDEN_TAG_VALUE, variant: 'lora' } }],
      entries: [{ action: 'tags.changed', before: { 'upstream.base_url': HIDDEN_TAG_VALUE }, after: {} }],
      count: 1,
      note: null,
    });
    // A copy: the stored object is not touched.
    expect(body.items[0].tags['upstream.base_url']).toBe('http://10.0.0.5:8000/v1');
  });

  it('passes buffers and non-plain objects through', () => {
    const buf = Buffer.from('upstream.base_url');
    expect(redactUpstreams(buf)).toBe(buf);
    const when = new Date(0);
    expect(redactUpstreams({ when }).when).toBe(when);
  });

  it('hides from roles below operator and from public routes only', () => {
    expect([undefined, 'reader', 'trainer', 'operator', 'gate', 'ci', 'admin'].map((r) => hidesUpstreams(r as never))).toEqual([true, true, true, false, false, false, false]);
  });
});
