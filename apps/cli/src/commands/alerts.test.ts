import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '@retain/alerts';
import { startReceiver } from '@retain/alerts/testing';
import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, RETAIN_BIN, runRetain } from '../testing/runRetain.ts';

// The hand fixture as of 2021-03-15: 14 active customers, churn 40 % (packages/analytics).
let db: string;
let close: () => void;
beforeAll(async () => {
  const fixture = await openFixture(HAND_FIXTURE);
  db = fixture.warehouse.path;
  fixture.warehouse.close();
  close = fixture.close;
});
afterAll(() => close?.());

const SECRET = 'cli-test-secret-0123456789';

/** The CLI in a child process without blocking this one, so that a receiver here can answer it. */
function retain(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [RETAIN_BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('retain alerts', () => {
  it('adds a rule with its figure now, checks it once per period, and removes it', async () => {
    const receiver = await startReceiver();
    const env = { RETAIN_WEBHOOK_HOSTS: receiver.host, RETAIN_WEBHOOK_SECRET: SECRET };
    try {
      const added = await retain(
        [
          'alerts',
          'add',
          '--db',
          db,
          '--name',
          'Churn up',
          '--metric',
          'churnRate',
          '--above',
          '30%',
          '--webhook',
          receiver.url,
          '--json',
        ],
        env,
      );
      expect(added.code, added.stderr).toBe(0);
      const rule = JSON.parse(added.stdout);
      expect(rule).toMatchObject({
        name: 'Churn up',
        metric: 'churnRate',
        condition: 'above',
        threshold: 0.3,
        webhooks: [receiver.url],
      });
      expect(rule.now).toMatchObject({ value: 0.4, breached: true, period: '2021-03-15' });

      const text = await retain(
        [
          'alerts',
          'add',
          '--db',
          db,
          '--name',
          'Actives',
          '--metric',
          'activeCustomers',
          '--change-above',
          '50%',
        ],
        env,
      );
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(
        /^Added alert rule [0-9a-f]{8} “Actives”: Active customers changes by more than 50%\.$/m,
      );
      expect(text.stdout).toContain(
        'Now: Active customers moved +180.0% since 2020-12-15 to 14, more than 50% (as of 2021-03-15) — it would fire.',
      );

      const listed = runRetain(['alerts', 'list', '--db', db, '--json']);
      expect(JSON.parse(listed.stdout).rules.map((r: { name: string }) => r.name)).toEqual([
        'Churn up',
        'Actives',
      ]);

      const check = await retain(['alerts', 'check', '--db', db, '--json'], env);
      expect(check.code, check.stderr).toBe(0);
      const result = JSON.parse(check.stdout);
      expect(result.checked).toBe(2);
      expect(result.fired).toEqual([
        expect.objectContaining({
          ruleId: rule.ruleId,
          name: 'Churn up',
          value: 0.4,
          threshold: 0.3,
          delivered: true,
        }),
        expect.objectContaining({ name: 'Actives', value: 180, threshold: 50, delivered: true }),
      ]);
      expect(result.recovered).toEqual([]);
      expect(receiver.received).toHaveLength(1);
      const hit = receiver.received[0];
      expect(
        verifyWebhookSignature(
          SECRET,
          {
            timestamp: String(hit?.headers[TIMESTAMP_HEADER]),
            signature: String(hit?.headers[SIGNATURE_HEADER]),
          },
          hit?.body ?? '',
        ),
      ).toBe(true);

      const again = await retain(['alerts', 'check', '--db', db], env);
      expect(again.stdout).toBe('Checked 2 rules: 0 fired, 0 recovered.\n');
      expect(receiver.received).toHaveLength(1);

      const removed = runRetain(['alerts', 'remove', rule.ruleId, '--db', db]);
      expect(removed.stdout).toBe(`Removed alert rule ${rule.ruleId} “Churn up”.\n`);
      const gone = runRetain(['alerts', 'remove', rule.ruleId, '--db', db]);
      expect(gone.code).toBe(2);
      expect(gone.stderr).toContain(`id: no alert rule "${rule.ruleId}"`);
    } finally {
      await receiver.close();
    }
  });

  it('refuses bad input naming the field, with exit code 2 and nothing saved', () => {
    const before = runRetain(['alerts', 'list', '--db', db, '--json']).stdout;
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [['--metric', 'churn', '--above', '1'], /--metric: metric must be one of churnRate, .*cohortMonth1/],
      [['--metric', 'churnRate', '--above', 'lots'], /--above: "lots" is not a number/],
      [['--metric', 'revenue', '--below', '10%'], /--below: "10%": a percentage applies to shares only/],
      [['--metric', 'churnRate', '--above', '1', '--below', '0'], /exactly one condition/],
      [
        ['--metric', 'churnRate', '--above', '1', '--webhook', 'ftp://hooks.example.com/x'],
        /webhook: .* is not an http or https URL/,
        { RETAIN_WEBHOOK_HOSTS: 'hooks.example.com' },
      ],
      [
        ['--metric', 'churnRate', '--above', '1', '--webhook', 'http://169.254.169.254/latest'],
        /webhook: 169\.254\.169\.254 is not an allowed webhook host/,
        { RETAIN_WEBHOOK_HOSTS: 'hooks.example.com' },
      ],
      [['--metric', 'churnRate', '--above', '1', '--channel', 'fax'], /channel: no order has channel "fax"/],
      [
        ['--metric', 'churnRate', '--above', '1'],
        /environment variable RETAIN_WEBHOOK_HOSTS: "http:\/\/x" is not a host/,
        { RETAIN_WEBHOOK_HOSTS: 'http://x' },
      ],
    ];
    for (const [flags, message, env] of cases) {
      const result = runRetain(['alerts', 'add', '--db', db, '--name', 'x', ...flags], env ?? {});
      expect(result.code, `${flags.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    }
    expect(runRetain(['alerts', 'list', '--db', db, '--json']).stdout).toBe(before);
  });
});

describe('retain report', () => {
  it('writes one self-contained HTML page with the KPIs of retain kpis, and says what it reflects', () => {
    const out = path.join(path.dirname(db), 'weekly.html');
    const result = runRetain(['report', '--db', db, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out} (HTML): the report as of 2021-03-15, data version 1.`);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('<svg');
    expect(html).toContain('Every figure is as of 2021-03-15');
    const kpis = JSON.parse(runRetain(['kpis', '--db', db, '--json']).stdout);
    for (const [name, kpi] of Object.entries(kpis.kpis) as Array<[string, { value: number | null }]>)
      expect(html, name).toContain(`data-kpi="${name}" data-value="${kpi.value ?? ''}"`);
  });

  it('refuses a file that is neither .html nor .pdf, writing nothing', () => {
    const out = path.join(path.dirname(db), 'weekly.txt');
    const result = runRetain(['report', '--db', db, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('out: "');
    expect(result.stderr).toContain('must end in .html or .pdf');
    expect(fs.existsSync(out)).toBe(false);
  });
});
