import type { ServingRole, TrafficPlan } from '@lynx/schema';
import type { Upstream } from '@lynx/platform';

/** One part of a plan, resolved: which digest it serves and where that digest runs. */
export interface Arm {
  /** The x-lynx-arm value: `production`, `stable`/`canary`, `primary`/`shadow`, `active`/`preview`, or an A/B arm's name. */
  name: string;
  role: ServingRole;
  ref: string;
  digest: string;
  semver: string | null;
  /** Relative weight among the arms that take user traffic (ab, canary); 0 for the rest. */
  weight: number;
  upstream: Upstream;
}

/** A traffic plan with every ref resolved at load time; replaced whole, never edited in place. */
export interface CompiledPlan {
  model: string;
  revision: number;
  plan: TrafficPlan;
  /** Arms that answer users (shadow excluded). */
  arms: Arm[];
  /** Where a failing non-stable arm's requests go; the only arm for `single`. */
  stable: Arm;
  /** The mirror and its share (0–100) for the shadow strategy. */
  shadow?: { arm: Arm; percent: number };
  loadedAt: string;
}
