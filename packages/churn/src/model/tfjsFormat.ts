import type { io } from '@tensorflow/tfjs';
import type { Tf } from '../backend.ts';
import type { MlpWeights } from './mlp.ts';

/** model.json as tfjs' own file:// handler writes it, so `tf.loadLayersModel('file://…/model.json')` reads it too. */
export interface TfjsModelJson {
  format: string;
  generatedBy: string;
  convertedBy: null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

export const WEIGHTS_FILE = 'weights.bin';

/**
 * A Keras-style Sequential model (Dense + ReLU …, Dense logit) holding the trained weights, serialised
 * through a custom save handler: `model.save('file://…')` exists only with tfjs-node.
 */
export async function toTfjsFiles(
  tf: Tf,
  weights: MlpWeights,
): Promise<{ modelJson: TfjsModelJson; weightsBin: Uint8Array }> {
  const model = tf.sequential();
  weights.layers.forEach((layer, l) => {
    model.add(
      tf.layers.dense({
        units: layer.units,
        activation: l + 1 < weights.layers.length ? 'relu' : 'linear',
        ...(l === 0 ? { inputShape: [layer.inputs] } : {}),
      }),
    );
  });
  const tensors = weights.layers.flatMap((layer) => [
    tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    tf.tensor1d(layer.bias),
  ]);
  model.setWeights(tensors);
  for (const t of tensors) t.dispose();
  let captured: io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const artifacts = captured as io.ModelArtifacts | null;
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('the model saved no weights');
  const data = artifacts.weightData;
  const buffer = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : (data as ArrayBuffer);
  return {
    modelJson: {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? 'TensorFlow.js',
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    },
    weightsBin: new Uint8Array(buffer),
  };
}

/** Loads through `tf.io.fromMemory` and reads the dense layers' weights back. */
export async function fromTfjsFiles(
  tf: Tf,
  modelJson: TfjsModelJson,
  weightsBin: Uint8Array,
): Promise<MlpWeights> {
  const buffer = weightsBin.buffer.slice(
    weightsBin.byteOffset,
    weightsBin.byteOffset + weightsBin.byteLength,
  );
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology as io.ModelArtifacts['modelTopology'],
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: buffer as ArrayBuffer,
      format: modelJson.format,
    }),
  );
  try {
    const values = model.getWeights();
    const layers: MlpWeights['layers'] = [];
    for (let k = 0; k + 1 < values.length; k += 2) {
      const kernel = values[k];
      const bias = values[k + 1];
      if (!kernel || !bias || kernel.shape.length !== 2)
        throw new Error('unexpected layer weights in model.json');
      layers.push({
        inputs: kernel.shape[0] ?? 0,
        units: kernel.shape[1] ?? 0,
        kernel: Float32Array.from(kernel.dataSync()),
        bias: Float32Array.from(bias.dataSync()),
      });
    }
    return { layers };
  } finally {
    model.dispose();
  }
}
