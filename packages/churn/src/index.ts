export { type BackendName, type LoadedBackend, loadBackend } from './backend.ts';
export {
  type BgNbdData,
  type BgNbdParams,
  bgnbdAliveProbability,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdNoPurchaseProbability,
  fitBgNbd,
} from './baselines/bgnbd.ts';
export { CHURN_TABLES, ensureChurnTables } from './churnTables.ts';
export {
  type ExtractOptions,
  ensureOrderCache,
  FeatureExtractor,
  type FeatureSource,
  orderRange,
  type SnapshotRequest,
} from './features/extractFeatures.ts';
export { type FeatureTable, levelOf } from './features/featureTable.ts';
export { evaluate, type Metrics, rocAuc } from './metrics.ts';
export { modelsDirFor } from './model/modelFiles.ts';
export { getModel, hasReadyModel, listModels, type ModelRecord, modelDetail } from './registry.ts';
export { exportScores, type ScoreOptions, type ScoreResult, scoreCustomers } from './score.ts';
export { latestScoresCount } from './scoring/latestScoresCount.ts';
export { isAnyOf, listOf, type ScoreFilter, scoreConditions } from './scoring/scoreFilter.ts';
export { type ScoresInForce, type ScoresRun, scoresInForce } from './scoring/scoresAsOf.ts';
export { customerScore, listScores } from './scoring/scoresQueries.ts';
export { SEGMENTS, type Segment } from './scoring/segments.ts';
export { type TrainingProgress, type TrainOptions, type TrainResult, trainChurnModel } from './train.ts';
export { ChurnTrainingManager, TrainingBusyError, type TrainingJob } from './trainingManager.ts';
export { TrainingAbortedError } from './worker/workerClient.ts';
