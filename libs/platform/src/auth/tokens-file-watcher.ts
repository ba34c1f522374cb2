import type { OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AUTH_METRICS, ConfigError } from '@lynx/schema';
import { WatchedFile, type WatchedContent, type WatchedFileOptions } from '../files/watched-file';
import { readTokensFile, type TokenStore } from './token-store';

/** Where reloads are told: the app's logger in services, a recorder in specs. */
export interface TokensReloadLog {
  log(message: unknown, context?: string): void;
  error(message: unknown, context?: string): void;
}

/**
 * Keeps a TokenStore equal to its tokens file while the app runs, so `lynx token create` and
 * `lynx token revoke` take effect within a second or two without a restart. A new content that
 * cannot be read or does not validate is refused whole: the store keeps the last good set (a
 * half-written or mistyped file must not lock everyone out, nor let a revoked token back in).
 */
export class TokensFileWatcher implements OnApplicationShutdown {
  private readonly file: WatchedFile;
  private readonly reloads: Counter;
  private readonly failures: Counter;

  constructor(
    readonly path: string,
    private readonly store: TokenStore,
    private readonly logger: TokensReloadLog,
    registry: Registry,
    opts: WatchedFileOptions = {},
  ) {
    const registers = [registry];
    this.reloads = new Counter({ name: AUTH_METRICS.tokenReloads, help: 'Reloads of the tokens file (LYNX_TOKENS_FILE) that replaced the token set', registers });
    this.failures = new Counter({
      name: AUTH_METRICS.tokenReloadFailures,
      help: 'Changes of the tokens file refused (unreadable, not JSON, invalid); the previous token set stays',
      registers,
    });
    const size = new Gauge({ name: AUTH_METRICS.tokens, help: 'Tokens the service authenticates against now', registers });
    size.set(store.size);
    this.file = new WatchedFile(path, (content) => this.apply(content, size), opts);
  }

  /** Watches from now on; pass `opts.initial`, the content the store was loaded from, so it is not reloaded. */
  static async start(path: string, store: TokenStore, logger: TokensReloadLog, registry: Registry, opts: WatchedFileOptions = {}): Promise<TokensFileWatcher> {
    const watcher = new TokensFileWatcher(path, store, logger, registry, opts);
    await watcher.file.start();
    return watcher;
  }

  close(): Promise<void> {
    return this.file.close();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private apply(content: WatchedContent, size: Gauge): void {
    try {
      if (content.raw === null) throw new ConfigError(`LYNX_TOKENS_FILE: cannot read ${this.path}: ${content.error.message}`);
      const file = readTokensFile(this.path, content.raw);
      this.store.replace(file);
      size.set(this.store.size);
      this.reloads.inc();
      this.logger.log({ msg: `LYNX_TOKENS_FILE: reloaded ${this.path}: ${this.store.size} tokens`, file: this.path, tokens: this.store.size }, 'Auth');
    } catch (err) {
      this.failures.inc();
      this.logger.error(
        { msg: `${(err as Error).message}; keeping the ${this.store.size} tokens loaded before`, file: this.path, tokens: this.store.size },
        'Auth',
      );
    }
  }
}
