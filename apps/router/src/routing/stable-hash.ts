import { createHash } from 'node:crypto';

/** SHA-256 of a user id, hex, truncated: what events carry instead of the id itself. */
export function hashUser(user: string): string {
  return createHash('sha256').update(user).digest('hex').slice(0, 32);
}

/**
 * A number in [0, 1) fixed by (model, user): the same learner lands in the same bucket on every
 * request and every router replica, while different models split users independently.
 */
export function stableUnit(model: string, userHash: string): number {
  const h = createHash('sha256').update(model).update('\0').update(userHash).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}
