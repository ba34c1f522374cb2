import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@lynx/platform';

/**
 * What happened to models, beside the HTTP series: pushes (new versions and re-pushes), promotions,
 * rollbacks, tag edits and gate verdicts by outcome. Counted where the change commits, so each is
 * counted once however many replicas relay its event.
 */
@Injectable()
export class DomainMetrics {
  readonly pushes: Counter<'model' | 'created'>;
  readonly promotions: Counter<'model'>;
  readonly rollbacks: Counter<'model'>;
  readonly tagEdits: Counter<'model'>;
  readonly verdicts: Counter<'model' | 'kind' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.pushes = new Counter({ name: 'lynx_registry_pushes_total', help: 'Versions pushed, by model and whether the version was new (created=true) or already registered', labelNames: ['model', 'created'], registers });
    this.promotions = new Counter({ name: 'lynx_registry_promotions_total', help: 'Production promotions, by model', labelNames: ['model'], registers });
    this.rollbacks = new Counter({ name: 'lynx_registry_rollbacks_total', help: 'Production rollbacks, by model', labelNames: ['model'], registers });
    this.tagEdits = new Counter({ name: 'lynx_registry_tag_edits_total', help: 'Tag edits that changed a version, by model', labelNames: ['model'], registers });
    this.verdicts = new Counter({ name: 'lynx_gate_verdicts_total', help: 'Gate verdicts recorded, by model, kind (gate|bootstrap) and outcome (passed|failed)', labelNames: ['model', 'kind', 'outcome'], registers });
  }
}
