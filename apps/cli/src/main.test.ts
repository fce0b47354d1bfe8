import { describe, expect, it } from 'vitest';
import { runRetain } from './testing/runRetain.ts';

describe('the retain command', () => {
  it('prints help with examples and exit codes', () => {
    const help = runRetain(['--help']);
    expect(help.code).toBe(0);
    for (const verb of ['demo', 'ingest', 'info', 'serve']) expect(help.stdout).toContain(verb);
    expect(help.stdout).toContain('Exit codes: 0 ok, 2 bad input');
  });

  it.each(['demo', 'ingest', 'info', 'serve'])('%s --help shows an example', (verb) => {
    const help = runRetain([verb, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples?:\n\s+\$ retain /);
  });

  it('treats an unknown verb as bad input and suggests the closest', () => {
    const result = runRetain(['ingets']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'ingets'/);
    expect(result.stderr).toMatch(/Did you mean ingest\?/);
  });

  it('rejects a bad environment variable with exit code 2', () => {
    const result = runRetain(['info'], { RETAIN_PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('RETAIN_PORT');
  });
});
