import { Presets, SingleBar } from 'cli-progress';
import type { BundleOptions } from '@lynx/bundle';

/** Below this many bytes hashing takes well under a second and a bar would only flicker. */
const MIN_BYTES_FOR_BAR = 64 * 1024 * 1024;

/**
 * Runs `fn` with bundle progress callbacks that drive a bar on stderr, but only when stderr is a
 * terminal (so pipes, CI logs and `--json` consumers see clean output) and the data is large.
 */
export async function withHashProgress<T>(label: string, fn: (options: BundleOptions) => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return fn({});
  let bar: SingleBar | undefined;
  let done = 0;
  const options: BundleOptions = {
    onStart: (totalBytes) => {
      if (totalBytes < MIN_BYTES_FOR_BAR) return;
      bar = new SingleBar(
        {
          stream: process.stderr,
          format: `${label} [{bar}] {percentage}% | {doneMiB}/{totalMiB} MiB | eta {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      );
      bar.start(totalBytes, 0, { doneMiB: 0, totalMiB: mib(totalBytes) });
    },
    onBytes: (bytes) => {
      done += bytes;
      bar?.update(done, { doneMiB: mib(done) });
    },
  };
  try {
    return await fn(options);
  } finally {
    bar?.stop();
  }
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(0);
}
