#!/usr/bin/env node
// `npm run bench -- [suite …] [options]`: runs the named benchmark suites (all when none is named),
// one after the other so that they do not compete for the machine's cores.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = [
  'ingest',
  'demo',
  'analytics',
  'churn',
  'web',
  'calllist',
  'load',
  'forecast',
  'program',
  'alerts',
  'engines',
];
const args = process.argv.slice(2);
const named = args.filter((a) => suites.includes(a));
const options = args.filter((a) => !suites.includes(a));
const unknown = options.filter(
  (a) =>
    !a.startsWith('-') &&
    !/^\d/.test(a) &&
    !['quality', 'cdnow', 'retail', 'speed', 'all', 'backtest'].includes(a),
);
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${suites.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const suite of named.length > 0 ? named : suites) {
  const file = path.join(here, `${suite}.ts`);
  if (!fs.existsSync(file)) {
    console.log(`\n== ${suite}: not available yet\n`);
    continue;
  }
  console.log(`\n== ${suite}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...options], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
