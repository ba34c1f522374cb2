import { existsSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { ConfigError } from '@lynx/schema';
import { UpstreamsFile } from '@lynx/platform';

/**
 * The upstreams file, re-read when it changes. fs.watchFile polls the file's stat (mtime, size),
 * which also sees a file replaced by rename (editors, ConfigMap updates) and a file that appears
 * later — an inotify watch on the old inode would miss both. A file that no longer parses keeps
 * the last good rules and reports why.
 */
export class UpstreamsWatcher {
  private current: UpstreamsFile;

  constructor(
    private readonly path: string | undefined,
    required: boolean,
    private readonly pollMs: number,
    private readonly onChange: (file: UpstreamsFile) => void,
    private readonly onError: (err: Error) => void,
  ) {
    if (path && (required || existsSync(path))) this.current = UpstreamsFile.read(path);
    else this.current = new UpstreamsFile();
  }

  get file(): UpstreamsFile {
    return this.current;
  }

  start(): void {
    if (!this.path || this.pollMs <= 0) return;
    watchFile(this.path, { interval: this.pollMs, persistent: false }, (now: Stats, before: Stats) => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
      this.reload();
    });
  }

  stop(): void {
    if (this.path) unwatchFile(this.path);
  }

  /** Reads the file again; a missing file means no rules. */
  reload(): void {
    try {
      this.current = this.path && existsSync(this.path) ? UpstreamsFile.read(this.path) : new UpstreamsFile();
      this.onChange(this.current);
    } catch (err) {
      this.onError(err instanceof ConfigError ? err : new Error(String(err)));
    }
  }
}
