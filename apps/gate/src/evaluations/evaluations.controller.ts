import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Roles, ZodValidationPipe } from '@lynx/platform';
import { type EvaluationRequest, evaluationRequestSchema } from './evaluation-job';
import { EvaluationsService } from './evaluations.service';

@Controller('v1/gate/evaluations')
export class EvaluationsController {
  constructor(@Inject(EvaluationsService) private readonly evaluations: EvaluationsService) {}

  /** Queues an evaluation of `model@ref` against the baseline; the same candidate and baseline give the same job. */
  @Roles('trainer')
  @Post()
  @HttpCode(202)
  enqueue(@Body(new ZodValidationPipe(evaluationRequestSchema)) body: EvaluationRequest) {
    return this.evaluations.enqueue(body);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.evaluations.get(id);
  }
}
