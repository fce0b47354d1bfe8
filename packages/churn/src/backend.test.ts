import { describe, expect, it } from 'vitest';
import { loadBackend } from './backend.ts';

describe('TensorFlow.js backend selection', () => {
  it('reports the backend that actually runs, and why faster ones were passed over', async () => {
    const { tf, backend, skipped } = await loadBackend();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend);
    expect(tf.getBackend()).toBe(backend);
    if (backend !== 'tensorflow') expect(skipped.map((s) => s.backend)).toContain('tensorflow');
    // It computes.
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    expect(Array.from(sum)).toEqual([4, 6]);
  });

  it('falls back in order: without tfjs-node, WebAssembly; the pure-JS backend when asked for', async () => {
    const wasm = await loadBackend(['wasm', 'cpu']);
    expect(wasm.backend).toBe('wasm');
    const cpu = await loadBackend(['cpu']);
    expect(cpu.backend).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
  });
});
