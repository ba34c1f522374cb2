import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '@lynx/schema';
import { UpstreamsFile, WatchedFile, type WatchedContent } from '@lynx/platform';

/**
 * The upstreams file, re-read when its content changes. The shared WatchedFile watches the
 * directory (so a file replaced by rename, or created later, is seen), debounces a burst of writes
 * and reports identical content once — a truncate-then-write is one change, not two. A file that
 * no longer parses keeps the last good rules and reports why; a removed file means no rules.
 */
export class UpstreamsWatcher {
  private current: UpstreamsFile;
  private readonly watched?: WatchedFile;
  /** The file was absent at the last look: its absence again is not a change. */
  private missing: boolean;

  constructor(
    private readonly path: string | undefined,
    required: boolean,
    pollMs: number,
    private readonly onChange: (file: UpstreamsFile) => void,
    private readonly onError: (err: Error) => void,
  ) {
    let initial: string | undefined;
    if (path && (required || existsSync(path))) {
      try {
        initial = readFileSync(path, 'utf8');
      } catch (err) {
        throw new ConfigError(`cannot read upstreams file ${path}: ${(err as Error).message}`);
      }
      this.current = UpstreamsFile.parse(initial, path);
    } else {
      this.current = new UpstreamsFile();
    }
    this.missing = initial === undefined;
    if (path && pollMs > 0) {
      this.watched = new WatchedFile(path, (content) => this.apply(content), { initial, pollMs, debounceMs: Math.min(100, pollMs) });
    }
  }

  get file(): UpstreamsFile {
    return this.current;
  }

  /** Resolves once the watch is set up (the file's state at that moment has been compared). */
  start(): Promise<void> {
    return this.watched?.start() ?? Promise.resolve();
  }

  stop(): Promise<void> {
    return this.watched?.close() ?? Promise.resolve();
  }

  private apply(content: WatchedContent): void {
    if (content.raw === null) {
      if ((content.error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.onError(new ConfigError(`cannot read upstreams file ${this.path}: ${content.error.message}`));
        return;
      }
      if (this.missing) return;
      this.missing = true;
      this.current = new UpstreamsFile();
      this.onChange(this.current);
      return;
    }
    try {
      this.current = UpstreamsFile.parse(content.raw, this.path);
      this.missing = false;
      this.onChange(this.current);
    } catch (err) {
      this.onError(err instanceof ConfigError ? err : new Error(String(err)));
    }
  }
}
