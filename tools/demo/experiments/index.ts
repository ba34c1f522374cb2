import type { DemoContext } from '../context';
import type { Manifest } from '../manifest';
import { deployGateExperiment } from './deploy-gate';
import { driftExperiment } from './drift';
import { finopsExperiment } from './finops';
import { mlflowExperiment } from './mlflow';
import { registryRoundTrip } from './registry-round-trip';
import { shadowExperiment } from './shadow';

export interface Experiment {
  /** Folder name under runs/<run id>/. */
  id: string;
  title: string;
  /** Experiments that must have passed for this one to make sense. */
  needs: string[];
  /** Needs the model server and the router (started once, before the first experiment that does). */
  serving: boolean;
  /** Runs only when the demo has an MLflow server (the Python venv exists and LYNX_DEMO_MLFLOW is not 0). */
  mlflow?: true;
  run: (ctx: DemoContext, m: Manifest) => Promise<void>;
}

export const EXPERIMENTS: Experiment[] = [
  { id: '1-registry-round-trip', title: 'Registry round trip', needs: [], serving: false, run: registryRoundTrip },
  { id: '2-shadow', title: 'Shadow', needs: ['1-registry-round-trip'], serving: true, run: shadowExperiment },
  { id: '3-drift', title: 'Drift', needs: ['1-registry-round-trip'], serving: true, run: driftExperiment },
  { id: '4-finops', title: 'FinOps', needs: ['1-registry-round-trip'], serving: true, run: finopsExperiment },
  { id: '5-deploy-gate', title: 'Deploy gate', needs: ['1-registry-round-trip'], serving: true, run: deployGateExperiment },
  // Last, so production is whatever the experiments before it left; on its own it bootstraps one.
  { id: '6-mlflow', title: 'MLflow', needs: [], serving: false, mlflow: true, run: mlflowExperiment },
];
