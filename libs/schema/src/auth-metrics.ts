// Prometheus series of the tokens file every service reads (LYNX_TOKENS_FILE), reloaded on change.
export const AUTH_METRICS = {
  /** Counter: reloads that replaced the token set with the file's new content. */
  tokenReloads: 'lynx_auth_tokens_reloads_total',
  /** Counter: reloads refused (unreadable, not JSON, invalid); the previous token set stays. */
  tokenReloadFailures: 'lynx_auth_tokens_reload_failures_total',
  /** Gauge: tokens in the set the service authenticates against now. */
  tokens: 'lynx_auth_tokens',
} as const;
