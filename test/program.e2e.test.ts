import type { RouterOutputs } from '@retain/api';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from './support/browser.ts';
import {
  apiQuery,
  chartDrawn,
  downloadText,
  en,
  enPercent,
  parseCsv,
  tableCells,
  waitFor,
} from './support/dashboard.ts';
import { demoDashboard } from './support/demoDashboard.ts';

type Report = RouterOutputs['program']['report'];
type Uplift = RouterOutputs['program']['uplift'];
type Lists = RouterOutputs['program']['lists'];
type CallList = RouterOutputs['atRisk']['list'];
type Models = RouterOutputs['model']['list'];

/** A difference of shares as the dashboard writes it (0.021 → "+2.1 pp"). */
const pp = (delta: number) =>
  `${(delta * 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' })} pp`;

/**
 * Proving the retention program works, on a desktop and a 400 px phone: the Program page on first
 * start (the demo's past lists measured against their control groups, pooled, the contacted-only
 * view, the uplift model's Qini curves against ranking by churn probability and value at risk),
 * an exported list saved with a control group that never reaches the file, a share above one half
 * refused beside its field, a list with nobody held back, and the win-back list of the lost.
 */
describe.skipIf(!chromiumAvailable)('the retention program', () => {
  // Enough customers for the demo's lists to hold the uplift model's 300 control customers.
  const demo = demoDashboard({ customers: 6000 });

  const firstModel = () =>
    waitFor(
      async () => ((await apiQuery<Models>(demo.server, 'model.list')).length > 0 ? true : undefined),
      240_000,
      'the first model',
    );

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`${viewport}: shows the demo's lists measured against their control groups, pooled, on first start`, async () => {
      const page = demo.pages[viewport];
      const report = await apiQuery<Report>(demo.server, 'program.report', {});
      const uplift = await apiQuery<Uplift>(demo.server, 'program.uplift');
      // Eight lists have matured, one is still running.
      expect(report.lists.filter((l) => l.status === 'measured')).toHaveLength(8);
      const pending = report.lists.find((l) => l.status === 'pending');
      expect(pending?.note).toContain(`Measurable from ${pending?.measurableFrom}`);
      const pooled = report.pooled;
      if (!pooled) throw new Error('nothing pooled');
      expect(pooled.lists).toBe(8);

      await page.goto(`${demo.server.url}/program`);
      await page.getByTestId('program-pooled').waitFor();
      expect(await page.getByTestId('pooled-treated').textContent()).toBe(enPercent(pooled.treatedRate));
      expect(await page.getByTestId('pooled-control').textContent()).toBe(enPercent(pooled.controlRate));
      expect(await page.getByTestId('pooled-difference').textContent()).toBe(pp(pooled.difference));
      expect(await page.getByTestId('pooled-difference-note').textContent()).toBe(
        `95 % interval ${pp(pooled.lower)} to ${pp(pooled.upper)}`,
      );
      expect(await page.getByTestId('pooled-saved').textContent()).toBe(en(pooled.customersSaved));
      expect(await page.getByTestId('pooled-verdict').textContent()).toMatch(
        pooled.conclusive ? /^Calls kept more customers/ : /^The difference cannot be told from noise yet/,
      );
      // Intention to treat first; the calls actually made behind it, said to be the flattering view.
      await page.locator('[data-testid=pooled-contacted] > summary').click();
      expect(await page.getByTestId('contacted-difference').textContent()).toBe(
        pp(report.pooledContacted?.difference ?? Number.NaN),
      );
      // Every list, the running one saying when it can be measured.
      const cells = await tableCells(page, '[data-testid=program-lists-table]');
      expect(cells).toHaveLength(report.lists.length + 1);
      const pendingRow = cells.find((r) => r[0] === pending?.listId);
      expect(pendingRow?.at(-1)).toBe(pending?.note);
      expect(await page.getByTestId('lost-rule').textContent()).toContain('more than 180 days');

      if (uplift.source === 'uplift-model' && uplift.evaluation) {
        await chartDrawn(page, 'program-uplift', '.recharts-line');
        const deciles = await tableCells(page, '[data-testid=program-deciles]');
        expect(deciles.map((r) => r[0])).toEqual([
          'Ranked by',
          'Uplift model',
          'Churn probability',
          'Value at risk',
        ]);
        expect(deciles[1]?.[1]).toBe(uplift.evaluation.uplift.coefficient.toFixed(4));
      } else {
        expect(await page.getByTestId('uplift-prior').textContent()).toContain('value at risk ×');
      }
      await screenshot(page, `program-${viewport}`);
    });

    it(`${viewport}: an exported list holds back its control group, never written to the file`, async () => {
      const page = demo.pages[viewport];
      await firstModel();
      await page.goto(`${demo.server.url}/at-risk?control=0.2`);
      await page.getByTestId('at-risk-ranking').waitFor();
      expect(await page.getByTestId('filter-control').inputValue()).toBe('0.2');
      const before = await apiQuery<Lists>(demo.server, 'program.lists');
      const { text } = await downloadText(page, () => page.getByTestId('export-call-list').click());
      const rows = parseCsv(text).slice(1);
      await page.getByTestId('saved-list').waitFor();
      const listId = await page.getByTestId('saved-list-id').textContent();
      const after = await apiQuery<Lists>(demo.server, 'program.lists');
      expect(after.lists).toHaveLength(before.lists.length + 1);
      const saved = after.lists.find((l) => l.listId === listId);
      // The week's 200 calls are written; the control group drawn beside them is not.
      expect(saved).toMatchObject({ treated: 200, controlShare: 0.2, kind: 'at-risk' });
      expect(rows).toHaveLength(200);
      expect(saved?.control).toBeGreaterThan(20);
      expect(await page.getByTestId('saved-list').textContent()).toContain(
        `${en(saved?.control ?? 0)} held back as a control group and left out of the file`,
      );
      await screenshot(page, `program-export-${viewport}`, { fullPage: false });

      // Nobody held back: saved, and said to be unmeasurable.
      await page.getByTestId('filter-control').selectOption('0');
      await downloadText(page, () => page.getByTestId('export-call-list').click());
      await waitFor(
        async () =>
          (await page.getByTestId('saved-list').textContent())?.includes(
            'nothing about this list can be measured',
          )
            ? true
            : undefined,
        20_000,
        'the list without a control group',
      );

      // More than half held back is refused beside its field, and nothing is exported.
      await page.goto(`${demo.server.url}/at-risk?control=0.6`);
      await page.getByText('"0.6" is no share to hold back: choose from none to 50 %.').waitFor();
      expect(await page.getByTestId('export-call-list').isDisabled()).toBe(true);
    });

    it(`${viewport}: the lost are on a win-back list, apart from the customers who can still be kept`, async () => {
      const page = demo.pages[viewport];
      await firstModel();
      const winBack = await apiQuery<CallList>(demo.server, 'atRisk.list', { kind: 'win-back', limit: 5 });
      const atRisk = await apiQuery<CallList>(demo.server, 'atRisk.list', { limit: 5 });
      expect(winBack.summary.eligible).toBeGreaterThan(0);
      expect(atRisk.summary.onOtherList).toBeGreaterThan(0);
      await page.goto(`${demo.server.url}/at-risk?capacity=all&phone=any`);
      await page.getByTestId('at-risk-other-list').waitFor();
      expect(await page.getByTestId('lost-rule').textContent()).toContain(
        'Lost: no order for more than 180 days and for more than 3 times their usual gap',
      );
      await page.getByTestId('switch-list').click();
      await page.waitForURL(/list=win-back/);
      expect(await page.getByTestId('filter-list').inputValue()).toBe('win-back');
      await page.locator('[data-testid=call-list] [data-index="0"][data-key]').waitFor();
      expect(await page.getByTestId('at-risk-listed').textContent()).toBe(en(winBack.summary.eligible));
      expect(await page.getByTestId('lost-rule').textContent()).toContain('This is the win-back list.');
      await screenshot(page, `program-win-back-${viewport}`, { fullPage: false });
    });
  }
});
