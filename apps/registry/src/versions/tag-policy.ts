import { ForbiddenError, ValidationError, roleAtLeast, type Role } from '@lynx/schema';

/** Tag keys: a letter or digit, then letters, digits, `.`, `_`, `-`, `/`; at most 128 characters. */
const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
const MAX_VALUE_CHARS = 1024;
// C0 controls and DEL: a tag is shown in tables and logs, where they would forge lines.
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
/** Keys Lynx itself reads to decide (e.g. `lynx.price`): only an admin writes them. */
export const RESERVED_TAG_PREFIX = 'lynx.';

/**
 * The rules every tag write obeys, checked before anything is stored: `tags` maps each key being
 * written to its new value, or to null when the key is being removed. Throws a ValidationError
 * listing every bad key or value, or a ForbiddenError for a reserved key written below admin.
 */
export function checkTagWrite(tags: Record<string, string | null>, role: Role): void {
  const issues: Array<{ path: string; code: string; message: string }> = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!KEY_RE.test(key)) {
      issues.push({ path: key, code: 'invalid_key', message: 'a tag key is 1-128 characters of A-Z a-z 0-9 . _ - /, starting with a letter or digit' });
      continue;
    }
    if (value === null) continue;
    if (value.length > MAX_VALUE_CHARS) issues.push({ path: key, code: 'too_long', message: `a tag value is at most ${MAX_VALUE_CHARS} characters` });
    else if (CONTROL_RE.test(value)) issues.push({ path: key, code: 'control_character', message: 'a tag value holds no control characters' });
  }
  if (issues.length) throw new ValidationError(`invalid tags: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  const reserved = Object.keys(tags).filter((k) => k.startsWith(RESERVED_TAG_PREFIX));
  if (reserved.length && !roleAtLeast(role, 'admin')) {
    throw new ForbiddenError(`tags ${reserved.join(', ')} are reserved to Lynx (${RESERVED_TAG_PREFIX}*): only role admin writes them; you have ${role}`, {
      reserved,
      required: 'admin',
      role,
    });
  }
}
