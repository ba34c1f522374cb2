import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Roles } from '@lynx/platform';
import { WindowScheduler } from './window-scheduler';

@Controller('v1/drift/windows')
export class WindowsController {
  constructor(@Inject(WindowScheduler) private readonly scheduler: WindowScheduler) {}

  /** Closes the open window now; answers with its reports once they are written. */
  @Roles('operator')
  @Post('close')
  @HttpCode(200)
  close() {
    return this.scheduler.closeNow();
  }
}
