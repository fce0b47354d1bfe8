import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../backend.ts';
import { SeededRandom } from '../random.ts';
import { mlpLogits, trainMlp } from './mlp.ts';
import { readModelFolder, removeOrphanModelFolders, writeModelFolder } from './modelFiles.ts';
import { fromTfjsFiles, toTfjsFiles } from './tfjsFormat.ts';

const { dir, cleanup } = tempDir('churn-model-');
afterAll(cleanup);

function data(n: number, d: number, seed: number) {
  const random = new SeededRandom(seed);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = random.normal();
    y[i] = (x[i * d] ?? 0) + 0.5 * (x[i * d + 1] ?? 0) + 0.3 * random.normal() > 0 ? 1 : 0;
  }
  return { x, y, rows: n, cols: d };
}

describe('a model version on disk', () => {
  it('round-trips through model.json + weights.bin with identical predictions', async () => {
    const { tf } = await loadBackend();
    const train = data(2_000, 6, 1);
    const fit = await trainMlp(tf, train, train.y, null, {
      hidden: [8, 4],
      maxEpochs: 3,
      patience: 2,
      batchSize: 256,
      learningRate: 0.01,
      l2: 0,
      seed: 5,
      classWeights: { positive: 1, negative: 1 },
    });
    const files = await toTfjsFiles(tf, fit.weights);
    const manifest = {
      modelId: 'm-test',
      createdAt: '2026-01-01T00:00:00Z',
      asOf: '2025-12-31',
      horizonDays: 90,
      dataVersion: 1,
      backend: 'wasm',
      normalisation: { seasonal: false, columns: [], categorical: [] },
      calibration: { method: 'platt' as const, a: 1, b: 0 },
    };
    const folder = await writeModelFolder(dir, { network: files, manifest });
    expect(fs.readdirSync(folder).sort()).toEqual(['churn.json', 'model.json', 'weights.bin']);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    const modelJson = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);

    const loaded = await readModelFolder(folder);
    expect(loaded.manifest).toEqual(manifest);
    if (!loaded.network) throw new Error('the version reads the network, so its files load');
    const weights = await fromTfjsFiles(tf, loaded.network.modelJson, loaded.network.weightsBin);
    const test = data(500, 6, 2);
    const before = mlpLogits(tf, fit.weights, test);
    const after = mlpLogits(tf, weights, test);
    expect(Array.from(after)).toEqual(Array.from(before));
  });

  it('trains deterministically for a fixed seed', async () => {
    const { tf } = await loadBackend();
    const train = data(1_000, 4, 3);
    const options = {
      hidden: [6],
      maxEpochs: 2,
      patience: 2,
      batchSize: 128,
      learningRate: 0.01,
      l2: 0,
      seed: 11,
      classWeights: { positive: 1, negative: 1 },
    };
    const a = await trainMlp(tf, train, train.y, null, options);
    const b = await trainMlp(tf, train, train.y, null, options);
    expect(Array.from(b.weights.layers[0]?.kernel ?? [])).toEqual(
      Array.from(a.weights.layers[0]?.kernel ?? []),
    );
  });
});

describe('version folders nobody registered', () => {
  const NOW = Date.parse('2026-03-01T12:00:00Z');
  const folders = path.join(dir, 'orphans');

  /** A version folder as a killed training leaves it, last changed `minutesAgo` before NOW. */
  function versionFolder(name: string, minutesAgo: number, manifest: object | null) {
    const folder = path.join(folders, name);
    fs.mkdirSync(folder, { recursive: true });
    if (manifest) fs.writeFileSync(path.join(folder, 'churn.json'), JSON.stringify(manifest));
    const at = new Date(NOW - minutesAgo * 60_000);
    fs.utimesSync(folder, at, at);
  }

  it('removes only this database’s unregistered versions older than an hour', async () => {
    const mine = (modelId: string) => ({ modelId, database: 'retain.duckdb' });
    versionFolder('m-20260101-000000-aaaa', 600, mine('m-20260101-000000-aaaa')); // registered
    versionFolder('m-20260101-000000-bbbb', 90, mine('m-20260101-000000-bbbb')); // orphan
    versionFolder('m-20260101-000000-cccc', 20, mine('m-20260101-000000-cccc')); // may be registering now
    versionFolder('m-20260101-000000-dddd', 600, {
      modelId: 'm-20260101-000000-dddd',
      database: 'other.duckdb',
    });
    versionFolder('m-20260101-000000-eeee', 600, { modelId: 'm-20260101-000000-eeee' }); // written before ownership
    versionFolder('m-20260101-000000-ffff', 600, null); // no manifest: not a version we wrote
    versionFolder('my-notes', 600, mine('my-notes'));
    const registered = path.join(folders, 'm-20260101-000000-aaaa');
    const removed = await removeOrphanModelFolders(folders, {
      database: 'retain.duckdb',
      isRegistered: (folder) => folder === registered,
      now: NOW,
    });
    expect(removed).toEqual(['m-20260101-000000-bbbb']);
    expect(fs.readdirSync(folders).sort()).toEqual([
      'm-20260101-000000-aaaa',
      'm-20260101-000000-cccc',
      'm-20260101-000000-dddd',
      'm-20260101-000000-eeee',
      'm-20260101-000000-ffff',
      'my-notes',
    ]);
  });

  it('does nothing when there is no models folder yet', async () => {
    const none = path.join(dir, 'absent');
    expect(await removeOrphanModelFolders(none, { database: 'x', isRegistered: () => false })).toEqual([]);
  });
});
