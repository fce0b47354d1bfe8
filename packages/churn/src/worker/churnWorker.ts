import { parentPort } from 'node:worker_threads';
import { loadBackend } from '../backend.ts';
import { runJobHere, transferList, type WorkerMessage, type WorkerRequest } from './jobs.ts';

/** The worker thread's side: one job per message, progress and result posted back. */
const port = parentPort;
if (!port) throw new Error('churnWorker.ts must run in a worker thread');

// Start TensorFlow.js while the main thread is still reading features from DuckDB.
loadBackend().catch(() => undefined);

port.on('message', async (request: WorkerRequest) => {
  const post = (message: WorkerMessage) =>
    port.postMessage(
      message,
      message.type === 'done'
        ? transferList(message.output)
        : message.type === 'progress'
          ? transferList(message.progress)
          : [],
    );
  try {
    const output = await runJobHere(request.kind, request.input, (progress) =>
      post({ id: request.id, type: 'progress', progress }),
    );
    post({ id: request.id, type: 'done', output });
  } catch (error) {
    post({
      id: request.id,
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
  }
});
