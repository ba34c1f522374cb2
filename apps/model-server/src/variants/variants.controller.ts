import { Body, Controller, Get, Header, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import { Roles, parseBody } from '@lynx/platform';
import { MAX_SENTENCE_CHARS, loadLoraAdapterRequestSchema, unloadLoraAdapterRequestSchema } from '@lynx/schema';
import { OpenAiExceptionFilter } from '../openai/openai-exception.filter';
import type { Variant } from './variant';
import { VariantsService } from './variants.service';

/** One entry of GET /v1/models, as vLLM lists it (plus the bundle digest). */
function modelCard(v: Variant) {
  return {
    id: v.id,
    object: 'model' as const,
    created: v.created,
    owned_by: 'lynx',
    // vLLM: root is the model path (the adapter's path for a LoRA), parent the base model id.
    root: v.source,
    parent: v.parent ?? null,
    max_model_len: MAX_SENTENCE_CHARS,
    permission: [],
    digest: v.digest,
  };
}

@Controller('v1')
@UseFilters(OpenAiExceptionFilter)
export class VariantsController {
  constructor(@Inject(VariantsService) private readonly variants: VariantsService) {}

  @Get('models')
  models() {
    return { object: 'list' as const, data: this.variants.list().map(modelCard) };
  }

  /** vLLM's answer is a plain sentence; clients check the status. */
  @Roles('operator')
  @Post('load_lora_adapter')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  async load(@Body() body: unknown): Promise<string> {
    const req = parseBody(loadLoraAdapterRequestSchema, body);
    const v = await this.variants.load({ id: req.lora_name, location: req.lora_path, digest: req.digest, confine: true });
    return `Success: LoRA adapter '${v.id}' added successfully.`;
  }

  @Roles('operator')
  @Post('unload_lora_adapter')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  unload(@Body() body: unknown): string {
    const req = parseBody(unloadLoraAdapterRequestSchema, body);
    const v = this.variants.unload(req.lora_name);
    return `Success: LoRA adapter '${v.id}' removed successfully.`;
  }
}
