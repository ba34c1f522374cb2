import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ValidationError } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';

const int = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new ValidationError(`${name} must be a positive integer`, { [name]: value });
  return n;
};

/** GET /v1/audit?model=&limit=&before_id= — every state change, newest first. */
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  @Get()
  async list(@Query('model') model?: string, @Query('limit') limit?: string, @Query('before_id') beforeId?: string) {
    const entries = await this.store.listAudit({ model, limit: int('limit', limit), before_id: int('before_id', beforeId) });
    return { entries, next_before_id: entries.length ? entries[entries.length - 1].id : null };
  }
}
