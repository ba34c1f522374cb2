import 'reflect-metadata';
import { runLynxApp } from '@lynx/platform';
import { GateAppModule } from './app.module';

void runLynxApp(GateAppModule.forRoot(), 'gate');
