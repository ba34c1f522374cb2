import type { LoadedModel } from '@lynx/tutor';

/** A model the server answers for: a full bundle, or an adapter laid over a loaded base. */
export interface Variant {
  /** What clients put in `model`. */
  id: string;
  /** Bundle digest of this variant's own files (an adapter's, not its merged model's). */
  digest: string;
  /** Where it was loaded from (directory or registry ref), shown as `root` like vLLM. */
  source: string;
  /** The bundle directory on disk (a pulled bundle's cache folder). */
  dir: string;
  /** Base variant id for an adapter (vLLM's `parent`); undefined for a full model. */
  parent?: string;
  /** Loaded through POST /v1/load_lora_adapter (or at start). */
  created: number;
  model: LoadedModel;
}
