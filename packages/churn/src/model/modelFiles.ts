import fs from 'node:fs/promises';
import path from 'node:path';
import type { GbtJson } from '../baselines/gbt.ts';
import type { Normalisation } from '../features/encode.ts';
import { type ScorerSpec, scorerSpecSchema } from '../scorers/scorerSpec.ts';
import type { Calibration } from './platt.ts';
import { type TfjsModelJson, WEIGHTS_FILE } from './tfjsFormat.ts';

/**
 * What names a model version and how it was trained, the same in its files (churn.json) and in its
 * registry row (ModelRecord).
 */
export interface ModelVersion {
  modelId: string;
  createdAt: string;
  /** T: the version was trained on data up to this day. */
  asOf: string;
  horizonDays: number;
  dataVersion: number;
  backend: string;
}

/** churn.json: what turns feature rows into this version's inputs, and how it scores them. */
export interface ModelManifest extends ModelVersion {
  normalisation: Normalisation;
  /**
   * The active scorer: which candidate, how its parts are combined, and the small parts themselves.
   * Absent in versions trained before candidates were compared: those score with the network alone
   * and `calibration`.
   */
  scorer?: ScorerSpec;
  /** Versions before the comparison: the network's logit → probability map. */
  calibration?: Calibration;
  /**
   * File name of the database that registers the version. Several databases in one folder share its
   * models/; only a version's own database may remove it as an orphan.
   */
  database?: string;
}

export interface ModelFiles {
  manifest: ModelManifest;
  /** model.json and weights.bin, when the scorer reads the network. */
  network?: { modelJson: TfjsModelJson; weightsBin: Uint8Array };
  /** trees.json, when the scorer reads the boosted trees. */
  gbt?: GbtJson;
}

const MODEL_JSON = 'model.json';
const MANIFEST = 'churn.json';
const TREES = 'trees.json';

/**
 * The scorer a manifest describes. A version from before the comparison is the network with its
 * calibration σ(a · logit + b): the same as a one-input combination of the raw logit.
 */
export function scorerOf(manifest: ModelManifest): ScorerSpec {
  if (manifest.scorer) return manifest.scorer;
  const calibration = manifest.calibration ?? { method: 'platt', a: 1, b: 0 };
  return {
    name: 'network',
    inputs: ['network'],
    intercept: calibration.b,
    weights: [calibration.a],
    network: { calibration: { method: calibration.method, a: 1, b: 0 } },
  };
}

/** Model versions live in models/ beside the database file. */
export function modelsDirFor(databasePath: string): string {
  return path.join(path.dirname(databasePath), 'models');
}

/**
 * Writes a model version into `<modelsDir>/<modelId>/`: everything goes to a temporary folder first,
 * which is renamed into place only when complete, so a process killed midway never leaves a
 * half-written version where the registry could point. Returns the folder.
 */
export async function writeModelFolder(modelsDir: string, files: ModelFiles): Promise<string> {
  await fs.mkdir(modelsDir, { recursive: true });
  const final = path.join(modelsDir, files.manifest.modelId);
  const temporary = path.join(modelsDir, `.tmp-${files.manifest.modelId}-${process.pid}`);
  await fs.rm(temporary, { recursive: true, force: true });
  await fs.mkdir(temporary);
  try {
    if (files.network) {
      await writeDurably(path.join(temporary, WEIGHTS_FILE), files.network.weightsBin);
      await writeDurably(path.join(temporary, MODEL_JSON), JSON.stringify(files.network.modelJson));
    }
    if (files.gbt) await writeDurably(path.join(temporary, TREES), JSON.stringify(files.gbt));
    await writeDurably(path.join(temporary, MANIFEST), JSON.stringify(files.manifest, null, 2));
    await fs.rename(temporary, final);
  } catch (error) {
    await fs.rm(temporary, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/** A version's files: the manifest, and the network's and the trees' files where its scorer reads them. */
export async function readModelFolder(folder: string): Promise<ModelFiles> {
  const manifest = JSON.parse(await fs.readFile(path.join(folder, MANIFEST), 'utf8')) as ModelManifest;
  if (manifest.scorer !== undefined) manifest.scorer = scorerSpecSchema.parse(manifest.scorer);
  const inputs = scorerOf(manifest).inputs;
  const files: ModelFiles = { manifest };
  if (inputs.includes('network')) {
    const [modelJson, weightsBin] = await Promise.all([
      fs.readFile(path.join(folder, MODEL_JSON), 'utf8'),
      fs.readFile(path.join(folder, WEIGHTS_FILE)),
    ]);
    files.network = {
      modelJson: JSON.parse(modelJson) as TfjsModelJson,
      weightsBin: new Uint8Array(weightsBin.buffer, weightsBin.byteOffset, weightsBin.byteLength),
    };
  }
  if (inputs.includes('gbt'))
    files.gbt = JSON.parse(await fs.readFile(path.join(folder, TREES), 'utf8')) as GbtJson;
  return files;
}

/** Leftovers of trainings that were killed before renaming their folder into place. */
export async function removeStaleTemporaryFolders(modelsDir: string): Promise<void> {
  const entries = await fs.readdir(modelsDir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => name.startsWith('.tmp-') && !name.endsWith(`-${process.pid}`))
      .map((name) => fs.rm(path.join(modelsDir, name), { recursive: true, force: true })),
  );
}

/** An unregistered version folder younger than this may belong to a training about to register it. */
export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;

const MODEL_ID = /^m-\d{8}-\d{6}-[0-9a-f]{4}$/;

export interface OrphanCleanup {
  /** File name of the database whose orphans these are (see ModelManifest.database). */
  database: string;
  /** Whether a registry row points at the folder (an absolute path). */
  isRegistered: (folder: string) => boolean;
  /** Default ORPHAN_MIN_AGE_MS. */
  minAgeMs?: number;
  /** Default Date.now(). */
  now?: number;
}

/**
 * Removes version folders that were renamed into place but never registered, because the process
 * died in between. Only folders named like a version, whose churn.json names this database, that
 * no registry row points at, and whose last change lies more than `minAgeMs` back (a younger one may
 * belong to a training that is registering it right now). Returns the names removed.
 */
export async function removeOrphanModelFolders(modelsDir: string, cleanup: OrphanCleanup): Promise<string[]> {
  const minAgeMs = cleanup.minAgeMs ?? ORPHAN_MIN_AGE_MS;
  const now = cleanup.now ?? Date.now();
  const entries = await fs.readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !MODEL_ID.test(entry.name)) continue;
    const folder = path.join(modelsDir, entry.name);
    if (cleanup.isRegistered(folder)) continue;
    const stat = await fs.stat(folder).catch(() => null);
    if (!stat || now - stat.mtimeMs <= minAgeMs) continue;
    const manifest = await fs.readFile(path.join(folder, MANIFEST), 'utf8').then(
      (text) => JSON.parse(text) as Partial<ModelManifest>,
      () => null,
    );
    // A folder without a readable manifest, or of another database, is not this database's to remove.
    if (manifest?.database !== cleanup.database || manifest.modelId !== entry.name) continue;
    await fs.rm(folder, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}

async function writeDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
