import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './output/errors.ts';

/**
 * The file a verb is to write (`--out FILE`), resolved and checked before any work is done: a
 * folder, or a file in a folder that does not exist or cannot be written to, is bad input that
 * names the path, rather than an internal error once the work is over.
 */
export function outFile(flag: string, file: string): string {
  const target = path.resolve(file);
  if (statOf(target)?.isDirectory()) throw new UsageError(`${flag} ${target} is a folder: name a file`);
  const folder = path.dirname(target);
  const parent = statOf(folder);
  if (!parent) throw new UsageError(`${flag} ${target}: the folder ${folder} does not exist`);
  if (!parent.isDirectory()) throw new UsageError(`${flag} ${target}: ${folder} is not a folder`);
  if (!writable(folder)) throw new UsageError(`${flag} ${target}: the folder ${folder} is not writable`);
  return target;
}

/**
 * The folder a verb is to write files into (`--out DIR`), created later if it does not exist yet:
 * it must not be a file, and the nearest folder that exists must be writable.
 */
export function outFolder(flag: string, dir: string): string {
  const target = path.resolve(dir);
  let existing = target;
  let stats = statOf(existing);
  while (!stats && path.dirname(existing) !== existing) {
    existing = path.dirname(existing);
    stats = statOf(existing);
  }
  if (stats && !stats.isDirectory()) {
    throw new UsageError(
      existing === target
        ? `${flag} ${target} is a file: name a folder`
        : `${flag} ${target}: ${existing} is a file, not a folder`,
    );
  }
  if (!writable(existing)) throw new UsageError(`${flag} ${target}: the folder ${existing} is not writable`);
  return target;
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined; // missing, or a path through a file (ENOTDIR)
  }
}

function writable(folder: string): boolean {
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
