import { Module, type DynamicModule } from '@nestjs/common';
import { BlobsModule } from '../blobs/blobs.module';
import { StoreModule } from '../store/store.module';
import { MLFLOW_MIRROR_CONFIG, mlflowMirrorConfig } from './mlflow-mirror.config';
import { MlflowMirrorService } from './mlflow-mirror.service';

@Module({})
export class MlflowMirrorModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: MlflowMirrorModule,
      imports: [StoreModule, BlobsModule],
      providers: [{ provide: MLFLOW_MIRROR_CONFIG, useValue: mlflowMirrorConfig(env) }, MlflowMirrorService],
      exports: [MlflowMirrorService],
    };
  }
}
