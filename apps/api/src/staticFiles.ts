import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodeUrlPart, requestUrl } from './http/badRequest.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  immutable: boolean;
}

/**
 * Serves the built dashboard. Files are read and gzipped once, then answered from memory; hashed
 * assets are cached by browsers forever, index.html never (it names the current hashes). Unknown
 * paths get index.html so that client-side routes work on reload.
 */
export function createStaticHandler(
  root: string,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const cache = new Map<string, Asset | null>();
  const load = (file: string): Asset | null => {
    if (cache.has(file)) return cache.get(file) ?? null;
    let asset: Asset | null = null;
    try {
      const body = fs.readFileSync(file);
      const ext = path.extname(file);
      asset = {
        body,
        gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? zlib.gzipSync(body, { level: 9 }) : null,
        type: TYPES[ext] ?? 'application/octet-stream',
        immutable: file.includes(`${path.sep}assets${path.sep}`),
      };
    } catch {
      asset = null;
    }
    cache.set(file, asset);
    return asset;
  };

  return (req, res) => {
    const relative = path.normalize(decodeUrlPart(requestUrl(req).pathname)).replace(/^([/\\])+/, '');
    let file = path.join(root, relative);
    if (!file.startsWith(root) || relative === '' || relative.endsWith(path.sep))
      file = path.join(root, 'index.html');
    let asset = load(file);
    if (!asset && !path.extname(relative)) asset = load(path.join(root, 'index.html'));
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'content-type': asset.type,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : gzip ? asset.gzip : asset.body);
  };
}
