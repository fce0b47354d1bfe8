import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { requestUrl } from './http/badRequest.ts';
import { internalErrorMessage, referenceFor, type ServerLog, stderrLog } from './http/serverErrors.ts';

const ALLOWED = /\.(csv|tsv|txt|csv\.gz|tsv\.gz|parquet|json|ndjson|jsonl)$/i;
const MAX_BYTES = 4 * 1024 ** 3;
const ID = /^[0-9a-f-]{36}$/;
/** Longer names are refused: file systems allow 255 bytes, and a name is shown back in messages. */
const MAX_NAME_LENGTH = 200;

export interface StoredUpload {
  uploadId: string;
  name: string;
  size: number;
}

/**
 * Files uploaded from the dashboard, kept under `<database folder>/uploads/<id>/` until they are
 * loaded (then removed). Bodies stream to disk: a 1 GB export never sits in memory.
 */
export class UploadStore {
  constructor(readonly root: string) {}

  async receive(req: http.IncomingMessage, rawName: string): Promise<StoredUpload> {
    if (rawName.length > MAX_NAME_LENGTH)
      throw new UploadError(400, `The file name is longer than ${MAX_NAME_LENGTH} characters.`);
    const name = path.basename(rawName).replace(/[^\p{L}\p{N}._ -]/gu, '_');
    if (!ALLOWED.test(name))
      throw new UploadError(400, `"${name}" is not a CSV, CSV.GZ, Parquet or JSON file.`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BYTES) throw new UploadError(413, 'The file is larger than 4 GB.');
    const uploadId = randomUUID();
    const dir = path.join(this.root, uploadId);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BYTES) req.destroy(new UploadError(413, 'The file is larger than 4 GB.'));
    });
    try {
      await pipeline(req, fs.createWriteStream(file));
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (error instanceof UploadError) throw error;
      if (!req.complete) throw new UploadError(400, 'The upload was interrupted.');
      throw error; // the disk, not the uploader: logged by the caller
    }
    if (size === 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new UploadError(400, `"${name}" is empty.`);
    }
    return { uploadId, name, size };
  }

  /** The stored file of an upload, or null when the id is unknown. */
  file(uploadId: string): { path: string; name: string } | null {
    if (!ID.test(uploadId)) return null;
    const dir = path.join(this.root, uploadId);
    const name = fs.existsSync(dir) ? fs.readdirSync(dir)[0] : undefined;
    return name ? { path: path.join(dir, name), name } : null;
  }

  remove(uploadId: string): void {
    if (ID.test(uploadId)) fs.rmSync(path.join(this.root, uploadId), { recursive: true, force: true });
  }

  /** Drops uploads nobody loaded within a day (called at start-up). */
  sweep(maxAgeMs = 24 * 3600 * 1000): void {
    if (!fs.existsSync(this.root)) return;
    for (const id of fs.readdirSync(this.root)) {
      const dir = path.join(this.root, id);
      if (Date.now() - fs.statSync(dir).mtimeMs > maxAgeMs) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * POST /upload?name=orders.csv with the file as the raw body → 201 {uploadId, name, size}. Failures
 * the uploader can fix say why; anything else is logged, and the answer only gives its reference.
 */
export async function handleUpload(
  store: UploadStore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: ServerLog = stderrLog,
): Promise<void> {
  const reply = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  if (req.method !== 'POST') return void reply(405, { error: 'POST the file as the request body.' });
  const name = requestUrl(req).searchParams.get('name');
  if (!name) return void reply(400, { error: 'Name the file: /upload?name=orders.csv' });
  try {
    reply(201, await store.receive(req, name));
  } catch (error) {
    if (error instanceof UploadError) return void reply(error.status, { error: error.message });
    const reference = referenceFor(error);
    log(`[upload] ${JSON.stringify(name)} failed (ref ${reference}):`, error);
    reply(500, { error: internalErrorMessage(reference) });
  }
}
