import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Roles, parseBody } from '@lynx/platform';
import { modelNameSchema } from '@lynx/schema';
import { WindowScheduler } from './window-scheduler';

const modelParams = z.strictObject({ model: modelNameSchema });

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

  /**
   * `lynx drift close <model>`: closes the open window now (windows are shared by every model, so
   * the others' reports are written too) and answers with this model's reports. Each close counts
   * as one window toward the retrain cooldown, as a scheduled close does.
   */
  @Roles('operator')
  @Post('close/:model')
  @HttpCode(200)
  async closeForModel(@Param() params: unknown) {
    const { model } = parseBody(modelParams, params, 'path');
    const closed = await this.scheduler.closeNow();
    return { window_id: closed.window_id, model, reports: closed.reports.filter((r) => r.model === model) };
  }
}
