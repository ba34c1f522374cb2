import { Module } from '@nestjs/common';
import { LineageController } from './lineage.controller';
import { LineageService } from './lineage.service';

@Module({ controllers: [LineageController], providers: [LineageService] })
export class LineageModule {}
