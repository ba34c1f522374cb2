import { Module } from '@nestjs/common';
import { TrafficModule } from '../traffic/traffic.module';
import { RegistryRpc } from './registry-rpc.service';

@Module({ imports: [TrafficModule], providers: [RegistryRpc] })
export class RpcModule {}
