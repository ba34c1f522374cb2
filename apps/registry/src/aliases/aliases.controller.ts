import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import {
  aliasMoveRequestSchema,
  promoteRequestSchema,
  rollbackRequestSchema,
  type AliasMoveRequest,
  type PromoteRequest,
  type RollbackRequest,
} from '@lynx/schema';
import { AliasesService } from './aliases.service';

@Controller('v1/models/:name')
export class AliasesController {
  constructor(@Inject(AliasesService) private readonly aliases: AliasesService) {}

  @Roles('operator')
  @Put('aliases/:alias')
  move(
    @Param('name') name: string,
    @Param('alias') alias: string,
    @Body(new ZodValidationPipe(aliasMoveRequestSchema)) body: AliasMoveRequest,
    @Principal() who: Principal,
  ) {
    return this.aliases.move(name, alias, body, who);
  }

  /** The version an alias points to, alone (MLflow's get-by-alias): one indexed read, for resolvers. */
  @Get('aliases/:alias')
  version(@Param('name') name: string, @Param('alias') alias: string) {
    return this.aliases.version(name, alias);
  }

  @Get('aliases/:alias/history')
  history(@Param('name') name: string, @Param('alias') alias: string) {
    return this.aliases.history(name, alias);
  }

  // The role floor here is trainer (-dev semvers outside prod); the service applies the rest.
  @Roles('trainer')
  @HttpCode(200)
  @Post('promote')
  promote(@Param('name') name: string, @Body(new ZodValidationPipe(promoteRequestSchema)) body: PromoteRequest, @Principal() who: Principal) {
    return this.aliases.promote(name, body, who);
  }

  @Roles('operator')
  @HttpCode(200)
  @Post('rollback')
  rollback(@Param('name') name: string, @Body(new ZodValidationPipe(rollbackRequestSchema)) body: RollbackRequest, @Principal() who: Principal) {
    return this.aliases.rollback(name, body, who);
  }
}
