import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LYNX_CONFIG, LynxLogger, type LynxConfig } from '@lynx/platform';
import { PayloadTooLargeError } from '@lynx/schema';
import { BlobStore } from './blob-store';

@Injectable()
export class BlobsService implements OnModuleInit {
  readonly store: BlobStore;
  readonly maxBytes: number;

  constructor(
    @Inject(LYNX_CONFIG) config: LynxConfig,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {
    this.store = new BlobStore(join(config.dataDir, 'blobs'));
    this.maxBytes = config.maxBlobBytes;
  }

  async onModuleInit(): Promise<void> {
    const { removedTempFiles } = await this.store.init();
    if (removedTempFiles) this.logger.warn({ msg: 'removed unfinished blob uploads', count: removedTempFiles }, 'Blobs');
  }

  /** Refuses early on a declared length over the cap; the store enforces it on the bytes too. */
  async put(digest: string, body: Readable, declaredLength?: number) {
    this.store.pathFor(digest);
    if (declaredLength !== undefined && declaredLength > this.maxBytes) {
      body.resume();
      throw new PayloadTooLargeError(`blob of ${declaredLength} bytes is over the limit of ${this.maxBytes}`, { max_bytes: this.maxBytes });
    }
    return this.store.put(digest, body, this.maxBytes);
  }
}
