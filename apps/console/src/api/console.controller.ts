import { Controller, Get, Inject, Param, Query, Req, UseGuards } from '@nestjs/common';
import { Public } from '@lynx/platform';
import { SessionGuard, sessionOf } from '../session/session.guard';
import { ConsoleApiService } from './console-api.service';

type Req = Record<string, unknown>;

/** What the pages read; every call goes to the services with the signed-in user's token. */
@Public()
@UseGuards(SessionGuard)
@Controller('api')
export class ConsoleController {
  constructor(@Inject(ConsoleApiService) private readonly api: ConsoleApiService) {}

  @Get('models')
  models(@Req() req: Req) {
    return this.api.models(sessionOf(req).token);
  }

  @Get('models/:model/versions')
  versions(@Req() req: Req, @Param('model') model: string, @Query() q: Record<string, string | undefined>) {
    return this.api.versions(sessionOf(req).token, model, q);
  }

  @Get('models/:model/at')
  at(@Req() req: Req, @Param('model') model: string, @Query('t') t?: string) {
    return this.api.at(sessionOf(req).token, model, t);
  }

  @Get('models/:model/versions/:ref')
  version(@Req() req: Req, @Param('model') model: string, @Param('ref') ref: string) {
    return this.api.version(sessionOf(req).token, model, ref);
  }

  @Get('models/:model/traffic')
  traffic(@Req() req: Req, @Param('model') model: string) {
    return this.api.traffic(sessionOf(req).token, model);
  }

  @Get('models/:model/canary/measurements')
  canaryMeasurements(@Req() req: Req, @Param('model') model: string) {
    return this.api.canaryTimeline(sessionOf(req).token, model);
  }

  @Get('models/:model/drift')
  drift(@Req() req: Req, @Param('model') model: string, @Query('report') report?: string) {
    return this.api.drift(sessionOf(req).token, model, report);
  }

  @Get('models/:model/shadow')
  async shadow(@Req() req: Req, @Param('model') model: string) {
    // Read the model first as the user: a token the registry refuses sees no shadow answers either.
    await this.api.api(sessionOf(req).token).registryPlan(model);
    return this.api.shadow(model);
  }

  @Get('models/:model/costs')
  costs(@Req() req: Req, @Param('model') model: string) {
    return this.api.costs(sessionOf(req).token, model);
  }

  @Get('audit')
  audit(@Req() req: Req, @Query() q: Record<string, string | undefined>) {
    return this.api.audit(sessionOf(req).token, q);
  }
}
