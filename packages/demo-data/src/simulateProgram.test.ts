import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSummary, generateDemo } from './generateDemo.ts';
import { controlDraw, programParameters } from './simulateProgram.ts';

let root = '';
let summary: DemoSummary;
const rows = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'retain-program-demo-'));
  summary = await generateDemo({ outDir: root, customers: 6000, seed: 3 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the demo retention program', () => {
  it('writes eight matured lists four weeks apart and one still running', async () => {
    const lists = await rows(summary.program?.lists ?? '');
    expect(lists).toHaveLength(9);
    const dates = lists.map((l) => l[2] ?? '');
    expect(dates.at(-2)).toBe('2026-06-26'); // 97 days before the end: matured a week ago
    expect(dates.at(-1)).toBe('2026-09-01'); // 30 days before the history ends
    expect(lists.every((l) => l[1] === 'at-risk' && l[3] === '90' && l[4] === '0.2')).toBe(true);
  });

  it('holds back members by the same seeded draw as saved lists, and calls only the treated', async () => {
    const members = await rows(summary.program?.members ?? '');
    expect(members.length).toBeGreaterThan(500);
    // Probabilities and values are numbers even for a customer whose orders all fell on one day.
    for (const m of members) expect([Number(m[4]), Number(m[5])].every(Number.isFinite)).toBe(true);
    for (const [listId = '', customerId = '', arm] of members) {
      expect(arm).toBe(
        controlDraw(listId, customerId) < programParameters.controlShare ? 'control' : 'treated',
      );
    }
    const control = new Set(members.filter((m) => m[2] === 'control').map((m) => `${m[1]}`));
    const called = (await rows(summary.program?.outcomes ?? '')).map((o) => o[0]);
    // A customer held back on one list may be called from another, months apart; never from the same one.
    const treated = new Set(members.filter((m) => m[2] === 'treated').map((m) => `${m[1]}`));
    for (const id of called) expect(treated.has(id ?? '')).toBe(true);
    expect(control.size).toBeGreaterThan(50);
  });

  it('knows the true effect: none for the lost, kept customers order once more after the call', async () => {
    const truth = await rows(summary.program?.truth ?? '');
    const effects = truth.filter((t) => t[6] === '1');
    expect(effects.length).toBeGreaterThan(0);
    // An effect needs a reached customer who would not have ordered anyway.
    for (const t of effects) expect([t[4], t[5]]).toEqual(['1', '0']);
    const keepProbabilities = new Set(truth.map((t) => t[3]));
    expect([...keepProbabilities].sort()).toEqual(['0.0000', '0.0650', '0.2600']);
    const extra = (await readFile(summary.files.purchases, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('OC'));
    const treatedEffects = effects.filter((t) => t[2] === 'treated').length;
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.length).toBeLessThanOrEqual(treatedEffects);
  });
});
