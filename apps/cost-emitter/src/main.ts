import 'reflect-metadata';
import { runLynxApp } from '@lynx/platform';
import { AppModule } from './app.module';

function start(): void {
  try {
    void runLynxApp(AppModule.forRoot(), 'cost-emitter');
  } catch (err) {
    // A bad price book or LYNX_COST_* value: say which line/variable and stop.
    process.stderr.write(`lynx cost-emitter: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

start();
