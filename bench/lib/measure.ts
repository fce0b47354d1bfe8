import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessRun {
  seconds: number;
  /** Peak resident set size of the process, bytes (Linux VmHWM). */
  peakRss: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function highWaterMark(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a command, timing it and sampling its peak RSS until it exits. */
export function runMeasured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakRss = 0;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setInterval(() => {
      if (child.pid) peakRss = Math.max(peakRss, highWaterMark(child.pid));
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - started) / 1000, peakRss, code, stdout, stderr });
    });
  });
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** A small aligned table for benchmark output. */
export function printTable(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of cells) console.log(line(r));
}

export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
