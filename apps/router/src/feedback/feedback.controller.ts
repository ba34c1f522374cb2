import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ZodValidationPipe } from '@lynx/platform';
import { RequestNotFoundError, feedbackRequestSchema, type FeedbackEvent, type FeedbackRequest } from '@lynx/schema';
import { InferenceEvents } from '../events/inference-events.service';
import { RouterMetrics } from '../metrics/router-metrics';
import { RecentRequests } from './recent-requests';

/** The learner accepted or rejected a correction: one lynx.inference.feedback event. */
@Controller('v1/feedback')
export class FeedbackController {
  constructor(
    @Inject(InferenceEvents) private readonly events: InferenceEvents,
    @Inject(RecentRequests) private readonly recent: RecentRequests,
    @Inject(RouterMetrics) private readonly metrics: RouterMetrics,
  ) {}

  @Post()
  @HttpCode(202)
  record(@Body(new ZodValidationPipe(feedbackRequestSchema)) body: FeedbackRequest) {
    const served = this.recent.get(body.request_id);
    // Feedback that names no digest and arm cannot be used by the gate or the drift worker, and a
    // mistyped id would pass unnoticed: refuse it, publishing nothing.
    if (!served) {
      throw new RequestNotFoundError(
        `this router has not answered request ${body.request_id} recently (it remembers about the last ${RecentRequests.REMEMBERED} answers): check the x-lynx-request-id header of the answer`,
        { request_id: body.request_id },
      );
    }
    const event: FeedbackEvent = {
      event_id: randomUUID(),
      request_id: body.request_id,
      time: new Date().toISOString(),
      ...served,
      accepted: body.accepted,
      ...(body.correction !== undefined ? { correction: body.correction } : {}),
    };
    this.events.feedback(event);
    this.metrics.feedback.inc({ model: served.model, digest: served.digest, arm: served.arm, outcome: body.accepted ? 'accepted' : 'rejected' });
    return { event_id: event.event_id, request_id: body.request_id, known_request: true };
  }
}
