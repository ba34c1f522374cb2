import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { putTrafficSchema, type PutTrafficBody } from '@lynx/schema';
import { TrafficService } from './traffic.service';

/** Durable traffic plans, one per logical model; the router reads them and follows the events. */
@Controller('v1/traffic/:model')
export class TrafficController {
  constructor(@Inject(TrafficService) private readonly traffic: TrafficService) {}

  @Get()
  get(@Param('model') model: string) {
    return this.traffic.get(model);
  }

  @Roles('operator')
  @Put()
  put(@Param('model') model: string, @Body(new ZodValidationPipe(putTrafficSchema)) body: PutTrafficBody, @Principal() who: Principal) {
    return this.traffic.put(model, body, who);
  }

  @Get('history')
  history(@Param('model') model: string) {
    return this.traffic.history(model);
  }
}
