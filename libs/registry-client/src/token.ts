/**
 * The one place a registry token comes from: the one given, else LYNX_TOKEN. `null` asks for no
 * token at all (a registry running with auth off, or a call that must go anonymous).
 */
export function registryToken(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit === null) return undefined;
  return explicit || env.LYNX_TOKEN || undefined;
}

/** The Authorization header for a token; undefined sends none. */
export const bearer = (token: string | undefined): string | undefined => (token ? `Bearer ${token}` : undefined);
