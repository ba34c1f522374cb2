import { Module } from '@nestjs/common';
import { BlobsModule } from '../blobs/blobs.module';
import { VersionsController } from './versions.controller';
import { VersionsService } from './versions.service';

@Module({ imports: [BlobsModule], controllers: [VersionsController], providers: [VersionsService] })
export class VersionsModule {}
