import type { DemoContext } from '../context';
import type { Manifest } from '../manifest';
import { deployGateExperiment } from './deploy-gate';
import { driftExperiment } from './drift';
import { finopsExperiment } from './finops';
import { registryRoundTrip } from './registry-round-trip';
import { shadowExperiment } from './shadow';

export interface Experiment {
  /** Folder name under runs/<run id>/. */
  id: string;
  title: string;
  /** Experiments that must have passed for this one to make sense. */
  needs: string[];
  run: (ctx: DemoContext, m: Manifest) => Promise<void>;
}

export const EXPERIMENTS: Experiment[] = [
  { id: '1-registry-round-trip', title: 'Registry round trip', needs: [], run: registryRoundTrip },
  { id: '2-shadow', title: 'Shadow', needs: ['1-registry-round-trip'], run: shadowExperiment },
  { id: '3-drift', title: 'Drift', needs: ['1-registry-round-trip'], run: driftExperiment },
  { id: '4-finops', title: 'FinOps', needs: ['1-registry-round-trip'], run: finopsExperiment },
  { id: '5-deploy-gate', title: 'Deploy gate', needs: ['1-registry-round-trip'], run: deployGateExperiment },
];
