import { watch, type FSWatcher, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface WatchedFileOptions {
  /** Quiet time after the last change before the file is read: a burst of writes is read once. */
  debounceMs?: number;
  /** Interval of the stat poll that backs up fs.watch (network filesystems, inotify limits, a moved directory). */
  pollMs?: number;
  /** The content already loaded, so a change event that leaves it as it is reports nothing. */
  initial?: string;
  /** False: the poll alone (how the fallback is tested). */
  fsWatch?: boolean;
}

/** What `onChange` receives: the new content, or `null` when the file cannot be read (gone, no permission). */
export type WatchedContent = { raw: string } | { raw: null; error: Error };

/**
 * Calls `onChange` when a file's content changes, whether it is rewritten in place or replaced by
 * a rename (editors, `lynx token create`). fs.watch on the directory — a watch on the file itself
 * would follow the old inode after a rename — plus a stat poll (inode, size, mtime, ctime) as a
 * fallback. Events are debounced, reads never overlap, and identical content is reported once.
 */
export class WatchedFile {
  private readonly debounceMs: number;
  private readonly pollMs: number;
  private readonly name: string;
  private readonly fsWatch: boolean;
  private watcher?: FSWatcher;
  private poller?: NodeJS.Timeout;
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private again = false;
  private closed = false;
  private lastStat?: string;
  private last?: string;

  constructor(
    readonly path: string,
    private readonly onChange: (content: WatchedContent) => void,
    opts: WatchedFileOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 100;
    this.pollMs = opts.pollMs ?? 1000;
    this.name = basename(path);
    this.fsWatch = opts.fsWatch ?? true;
    this.last = opts.initial === undefined ? undefined : `=${opts.initial}`;
  }

  /** Starts watching; without fs.watch (it can throw, e.g. out of inotify watches) the poll still works. */
  async start(): Promise<void> {
    this.lastStat = await statSignature(this.path);
    if (this.fsWatch) {
      try {
        this.watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
          if (!filename || filename.toString() === this.name) this.schedule();
        });
        this.watcher.on('error', () => this.stopWatcher());
      } catch {
        this.watcher = undefined;
      }
    }
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
    // A change between the caller's read of `initial` and the first stat above would go unseen.
    this.read();
    await this.reading;
  }

  /** Stops every watch and timer and waits for a read under way; nothing is reported after. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWatcher();
    if (this.poller) clearInterval(this.poller);
    if (this.timer) clearTimeout(this.timer);
    await this.reading;
  }

  private stopWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async poll(): Promise<void> {
    const now = await statSignature(this.path);
    if (now !== this.lastStat) this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.read(), this.debounceMs);
    this.timer.unref();
  }

  private read(): void {
    this.timer = undefined;
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readOnce().finally(() => {
      this.reading = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        this.read();
      }
    });
  }

  private async readOnce(): Promise<void> {
    // The stat before the read: a write between them leaves a newer stat, so the poll reads again.
    this.lastStat = await statSignature(this.path);
    let content: WatchedContent;
    let key: string;
    try {
      content = { raw: await readFile(this.path, 'utf8') };
      key = `=${content.raw}`;
    } catch (err) {
      content = { raw: null, error: err as Error };
      key = `!${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    if (this.closed || key === this.last) return;
    this.last = key;
    this.onChange(content);
  }
}

async function statSignature(path: string): Promise<string> {
  return stat(path).then(
    (s: Stats) => `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`,
    (err: NodeJS.ErrnoException) => `missing:${err.code ?? ''}`,
  );
}
