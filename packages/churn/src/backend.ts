import { createRequire } from 'node:module';
import path from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');

/** tfjs-node's native TensorFlow, the WebAssembly kernels (XNNPACK), or plain JavaScript. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface LoadedBackend {
  tf: Tf;
  /** The backend that actually runs, as tf.getBackend() reports it. */
  backend: string;
  /** Backends tried before it and why each was passed over. */
  skipped: { backend: BackendName; reason: string }[];
}

const DEFAULT_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let loaded: Promise<LoadedBackend> | null = null;
let loadedOrder = '';

/**
 * The fastest TensorFlow.js backend that loads here, once per process (or per worker thread):
 * tfjs-node when its native library installed, else WebAssembly, else the pure-JS CPU backend.
 * Every result records the backend that ran, because their speeds differ by an order of magnitude.
 */
export function loadBackend(order: readonly BackendName[] = DEFAULT_ORDER): Promise<LoadedBackend> {
  const key = order.join(',');
  if (!loaded || loadedOrder !== key) {
    loadedOrder = key;
    loaded = selectBackend(order);
  }
  return loaded;
}

async function selectBackend(order: readonly BackendName[]): Promise<LoadedBackend> {
  const skipped: LoadedBackend['skipped'] = [];
  for (const backend of order) {
    try {
      const tf = await tryBackend(backend);
      if (tf) return { tf, backend: tf.getBackend(), skipped };
      skipped.push({ backend, reason: 'did not initialise' });
    } catch (error) {
      skipped.push({
        backend,
        reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
      });
    }
  }
  throw new Error(
    `No TensorFlow.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
  );
}

async function tryBackend(backend: BackendName): Promise<Tf | null> {
  if (backend === 'tensorflow') {
    // An optional dependency: absent wherever its install script could not fetch libtensorflow.
    const specifier = '@tensorflow/tfjs-node';
    const tf = (await import(specifier)) as Tf;
    await tf.ready();
    return tf.getBackend() === 'tensorflow' ? tf : null;
  }
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from the package's dist folder.
    const require = createRequire(import.meta.url);
    const dist = path.join(
      path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    wasm.setWasmPaths(`${dist}${path.sep}`);
  }
  const ok = await tf.setBackend(backend);
  if (!ok) return null;
  await tf.ready();
  return tf.getBackend() === backend ? tf : null;
}
