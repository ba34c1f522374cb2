// The MLflow REST shapes Lynx reads and writes (mlflow/protos/service.proto, model_registry.proto).

export interface MlflowKeyValue {
  key: string;
  value: string;
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MlflowRun {
  info: { run_id: string; experiment_id: string; run_name?: string; status: string; artifact_uri: string; lifecycle_stage?: string };
  data: { metrics?: MlflowMetric[]; params?: MlflowKeyValue[]; tags?: MlflowKeyValue[] };
  inputs?: { dataset_inputs?: Array<{ tags?: MlflowKeyValue[]; dataset: MlflowDataset }> };
}

export interface MlflowDataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface MlflowFileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number | string;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  status?: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  tags?: MlflowKeyValue[];
  aliases?: string[];
}

export interface MlflowRegisteredModel {
  name: string;
  aliases?: Array<{ alias: string; version: string }>;
  tags?: MlflowKeyValue[];
}
