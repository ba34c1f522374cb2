import { Body, Controller, HttpCode, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { parseBody } from '@lynx/platform';
import { HEADERS, chatCompletionRequestSchema, completionRequestSchema } from '@lynx/schema';
import { OpenAiExceptionFilter } from '../openai/openai-exception.filter';
import { SseWriter } from '../openai/sse';
import { OnDemandLoader } from '../variants/on-demand-loader';
import { VllmMetrics, type RequestTrack } from '../vllm-metrics/vllm-metrics';
import { InferenceService, learnerSentence, streamPieces, type Answer } from './inference.service';
import { chatChunk, chatCompletion, envelope, textChunk, textCompletion, usage, usageChunk } from './openai-shapes';

@Controller('v1')
@UseFilters(OpenAiExceptionFilter)
export class CompletionsController {
  constructor(
    @Inject(OnDemandLoader) private readonly variants: OnDemandLoader,
    @Inject(InferenceService) private readonly inference: InferenceService,
    @Inject(VllmMetrics) private readonly metrics: VllmMetrics,
  ) {}

  /** The last user message is the learner's sentence; the assistant's reply is the corrected sentence. */
  @Post('chat/completions')
  @HttpCode(200)
  // One log line per answer at info would cost more than the answer; the metrics count every one.
  @RouteConfig({ accessLog: 'debug' })
  async chat(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const req = parseBody(chatCompletionRequestSchema, body);
    const variant = await this.variants.variant(req.model);
    const { sentence, param } = learnerSentence(req.messages);
    const track = this.metrics.start(variant.id);
    let answer: Answer;
    try {
      answer = this.inference.answer(variant, sentence, req.max_completion_tokens ?? req.max_tokens, param);
    } catch (err) {
      track.fail();
      throw err;
    }
    const e = envelope('chatcmpl', variant.id);
    const u = usage(answer.promptTokens, answer.completionTokens);
    reply.header(HEADERS.digest, variant.digest);
    if (!req.stream) {
      track.firstToken();
      track.finish(answer.finishReason, u.prompt_tokens, u.completion_tokens);
      void reply.send(chatCompletion(e, answer.text, answer.finishReason, u));
      return;
    }
    const withUsage = req.stream_options?.include_usage === true;
    const sse = this.open(reply, variant.digest, track, u);
    sse.send(chatChunk(e, { role: 'assistant', content: '' }, null, withUsage));
    for (const piece of streamPieces(answer.text)) {
      track.firstToken();
      sse.send(chatChunk(e, { content: piece }, null, withUsage));
    }
    sse.send(chatChunk(e, {}, answer.finishReason, withUsage));
    if (withUsage) sse.send(usageChunk(e, 'chat.completion.chunk', u));
    track.finish(answer.finishReason, u.prompt_tokens, u.completion_tokens);
    sse.done();
  }

  /** Each prompt is a sentence; its completion is the corrected sentence (a batch gives one choice per prompt). */
  @Post('completions')
  @HttpCode(200)
  @RouteConfig({ accessLog: 'debug' })
  async complete(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const req = parseBody(completionRequestSchema, body);
    const variant = await this.variants.variant(req.model);
    const prompts = typeof req.prompt === 'string' ? [req.prompt] : req.prompt;
    const track = this.metrics.start(variant.id);
    let answers: Answer[];
    try {
      answers = prompts.map((p, i) => this.inference.answer(variant, p, req.max_tokens, prompts.length > 1 ? `prompt.${i}` : 'prompt'));
    } catch (err) {
      track.fail();
      throw err;
    }
    const texts = answers.map((a, i) => (req.echo ? prompts[i] : '') + a.text);
    const u = usage(sum(answers.map((a) => a.promptTokens)), sum(answers.map((a) => a.completionTokens)));
    const finish = answers.some((a) => a.finishReason === 'length') ? 'length' : 'stop';
    const e = envelope('cmpl', variant.id);
    reply.header(HEADERS.digest, variant.digest);
    if (!req.stream) {
      track.firstToken();
      track.finish(finish, u.prompt_tokens, u.completion_tokens);
      void reply.send(textCompletion(e, texts.map((text, i) => ({ text, finishReason: answers[i].finishReason })), u));
      return;
    }
    const withUsage = req.stream_options?.include_usage === true;
    const sse = this.open(reply, variant.digest, track, u);
    texts.forEach((text, index) => {
      for (const piece of streamPieces(text)) {
        track.firstToken();
        sse.send(textChunk(e, index, piece, null, withUsage));
      }
      sse.send(textChunk(e, index, '', answers[index].finishReason, withUsage));
    });
    if (withUsage) sse.send(usageChunk(e, 'text_completion', u));
    track.finish(finish, u.prompt_tokens, u.completion_tokens);
    sse.done();
  }

  private open(reply: FastifyReply, digest: string, track: RequestTrack, u: ReturnType<typeof usage>): SseWriter {
    const sse = new SseWriter(reply);
    sse.open({ [HEADERS.digest]: digest });
    // A client that leaves mid-stream is counted as vLLM counts it: finished, reason "abort".
    reply.raw.once('close', () => track.finish('abort', u.prompt_tokens, 0));
    return sse;
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
