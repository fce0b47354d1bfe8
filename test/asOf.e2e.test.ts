import type { RouterOutputs } from '@retain/api';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot } from './support/browser.ts';
import {
  apiQuery,
  chartDrawn,
  downloadText,
  en,
  enPercent,
  parseCsv,
  seriousA11yViolations,
  waitFor,
} from './support/dashboard.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

type Kpis = RouterOutputs['overview']['kpis'];
type Repeat = RouterOutputs['repeat']['summary'];
type Impact = RouterOutputs['impact']['summary'];
type Models = RouterOutputs['model']['list'];

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 860 },
  { name: 'phone', width: 400, height: 860 },
] as const;

const DAY = 86_400_000;
const shift = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** A day as the dashboard writes it in en-US ("Jun 30, 2025"). */
const day = (iso: string) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const monthIndex = (label: string) => Number(label.slice(0, 4)) * 12 + Number(label.slice(5, 7)) - 1;
/** Text as the page has it, with the thin spaces of date ranges made plain. */
const plain = (text: string | null) => (text ?? '').replace(/\u2009/g, ' ');

/**
 * Figures as of a day use only what was known that day; each headline says what it is over; the
 * complaints headline compares fast and slow resolution at equal activity; a printed Overview keeps
 * its filters and as-of day. On a desktop and on a 400 px wide phone.
 */
describe.skipIf(!chromiumAvailable)('figures as of a day, and what each figure means', () => {
  let server: RetainServer;
  let browser: Browser;
  let latest: Kpis;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startRetain({ customers: 3000 }), launchBrowser()]);
    // `retain serve` trains the first model in the background; at-risk revenue reads its scores.
    await waitFor(
      async () => ((await apiQuery<Models>(server, 'model.list')).length > 0 ? true : undefined),
      240_000,
      'the first model',
    );
    await waitFor(
      async () => {
        const k = await apiQuery<Kpis>(server, 'overview.kpis', { filters: {} });
        return k.atRiskScores ? k : undefined;
      },
      60_000,
      'the first scores',
    ).then((k) => {
      latest = k;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  describe.each(VIEWPORTS)('on a $name', (viewport) => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext({
        viewport: { width: viewport.width, height: viewport.height },
        locale: 'en-US',
        acceptDownloads: true,
      });
      page = await context.newPage();
    });
    afterAll(async () => {
      await context?.close();
    });

    const shot = (name: string) => screenshot(page, `as-of-${name}-${viewport.name}`, { fullPage: false });

    it('as of a past day: cohorts and their months end there, at-risk revenue has no scores, and the page says so', async () => {
      const dataEnd = latest.dataEnd ?? '';
      // About fifteen months back: cohorts after it existed in the data, the model was trained later.
      const asOf = shift(dataEnd, -456);
      const kpis = await apiQuery<Kpis>(server, 'overview.kpis', { asOf, filters: {} });
      await page.goto(`${server.url}/?asOf=${asOf}`);
      const note = page.getByTestId('as-of-note');
      await note.waitFor();
      expect(await note.textContent()).toContain(`Figures as of ${day(asOf)}`);
      await expect
        .poll(() => page.getByTestId('kpi-activeCustomers-value').textContent())
        .toBe(en(kpis.kpis.activeCustomers.value ?? Number.NaN));

      // Scores made after the day, by a model trained on later data, do not count.
      expect(kpis.kpis.atRiskRevenue.value).toBeNull();
      await page.getByTestId('at-risk-no-scores').waitFor();
      expect(await page.getByTestId('at-risk-no-scores').textContent()).toContain(
        `No scores for ${day(asOf)}`,
      );
      expect(await page.getByTestId('kpi-atRiskRevenue-population').textContent()).toBe(
        'no scores for that date',
      );
      expect(await page.getByTestId('at-risk-value').count()).toBe(0);

      // The recent cohorts had all started by the day, and none of their months runs past it.
      const card = page.getByTestId('chart-recent-cohorts');
      await chartDrawn(page, 'chart-recent-cohorts', '.recharts-line');
      expect(plain(await card.locator('.card-header p').textContent())).toContain(
        `cohorts that had started by ${day(asOf)}`,
      );
      const csv = parseCsv(
        (await downloadText(page, () => card.getByRole('button', { name: /as CSV/ }).click())).text,
      );
      const header = csv[0] ?? [];
      const cohorts = header
        .map((label, i) => [label, i] as const)
        .filter(([label]) => /^\d{4}-\d{2}/.test(label));
      expect(cohorts.length).toBeGreaterThan(0);
      const asOfMonth = monthIndex(asOf);
      for (const [label, column] of cohorts) {
        expect(monthIndex(label), label).toBeLessThanOrEqual(asOfMonth);
        for (const row of csv.slice(1)) {
          const offset = Number(row[0]);
          if ((row[column] ?? '') !== '')
            expect(monthIndex(label) + offset, `${label} month ${offset}`).toBeLessThanOrEqual(asOfMonth);
        }
      }
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('past-day');
    });

    it('as of the latest day: at-risk revenue from the scores in force, named by their date', async () => {
      await page.goto(`${server.url}/`);
      const value = page.getByTestId('at-risk-value');
      await value.waitFor();
      const scores = latest.atRiskScores;
      if (!scores) throw new Error('no scores in force at the data’s end');
      expect(await page.getByTestId('at-risk-scores-date').textContent()).toBe(day(scores.asOf));
      expect(await page.getByTestId('kpi-atRiskRevenue-population').textContent()).toBe(
        `churn scores of ${day(scores.asOf)}`,
      );
      expect(await page.getByTestId('as-of-note').count()).toBe(0);
    });

    it('an early day: every block resolves, none waits forever', async () => {
      const asOf = shift(latest.dataStart ?? '', 30);
      await page.goto(`${server.url}/?asOf=${asOf}`);
      await page.getByTestId('as-of-note').waitFor();
      await page.getByTestId('kpi-churnRate').waitFor();
      const trend = page.getByTestId('chart-trend');
      await trend.getByText('Not enough history yet').waitFor();
      await page.getByTestId('chart-recent-cohorts').getByText('No cohort is old enough yet').waitFor();
      // Nothing is left loading: no busy block, no skeleton.
      await expect
        .poll(() => page.locator('[aria-busy=true], .skeleton').count(), { timeout: 15_000 })
        .toBe(0);
      expect(await page.getByTestId('kpi-churnRate-population').textContent()).toBe('needs 180 days of data');
      await shot('early-day');
    });

    it('a day after the data is refused in words, and the picker stops at the data’s ends', async () => {
      const dataEnd = latest.dataEnd ?? '';
      const future = shift(dataEnd, 30);
      await page.goto(`${server.url}/?asOf=${future}`);
      const refused = page.getByTestId('as-of-refused');
      await refused.waitFor();
      expect(await refused.textContent()).toContain(`No figures as of ${day(future)} yet`);
      expect(await refused.textContent()).toContain(`The data ends on ${day(dataEnd)}`);
      // No server error, no chart skeleton, no tiles.
      expect(await page.locator('.error-state').count()).toBe(0);
      expect(await page.locator('[aria-busy=true], .skeleton').count()).toBe(0);
      expect(await page.getByTestId('chart-recent-cohorts').count()).toBe(0);
      const picker = page.getByTestId('filter-asof');
      expect(await picker.getAttribute('max')).toBe(dataEnd);
      expect(await picker.getAttribute('min')).toBe(latest.dataStart);
      await shot('future-day');
      await refused.getByRole('button', { name: 'Show the latest figures' }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBeNull();
      await page.getByTestId('kpi-activeCustomers-value').waitFor();
    });

    it('a printed, filtered Overview states its filters and as-of day', async () => {
      const asOf = shift(latest.dataEnd ?? '', -120);
      await page.goto(`${server.url}/?asOf=${asOf}&channel=web&region=North`);
      await page.getByTestId('kpi-activeCustomers-value').waitFor();
      await page.getByTestId('as-of-note').waitFor();
      await page.emulateMedia({ media: 'print' });
      try {
        const summary = page.getByTestId('filter-summary');
        expect(await summary.isVisible()).toBe(true);
        expect(await summary.textContent()).toBe(`As of: ${day(asOf)} · Channel: web · Region: North`);
        expect(await page.getByTestId('as-of-note').isVisible()).toBe(true);
        expect(await page.locator('form.filters').isVisible()).toBe(false);
        await shot('print');
      } finally {
        await page.emulateMedia({ media: 'screen' });
      }
      expect(await page.getByTestId('filter-summary').isVisible()).toBe(false);
    });

    it('each KPI says what it is over, and its definition is one tap away', async () => {
      await page.goto(`${server.url}/`);
      const churn = latest.populations.churnRate;
      const repeat = latest.populations.repeatRate90d;
      if (!churn || !repeat) throw new Error('the demo data should cover 180 days');
      const churnTile = page.getByTestId('kpi-churnRate');
      await churnTile.waitFor();
      expect(await churnTile.locator('h2').textContent()).toBe('Churn rate (active customers)');
      expect(plain(await page.getByTestId('kpi-churnRate-population').textContent())).toMatch(
        new RegExp(`^of ${en(churn.customers)} active `),
      );
      expect(plain(await page.getByTestId('kpi-repeatRate90d-population').textContent())).toMatch(
        new RegExp(`^of ${en(repeat.customers)} acquired `),
      );
      expect(await page.getByTestId('kpi-repeatRate90d').locator('h2').textContent()).toBe(
        'Recent 90-day repeat rate',
      );
      const definition = page.getByTestId('kpi-churnRate-definition');
      await definition.locator('summary').click();
      const text = plain(await definition.locator('.definition-text').textContent());
      expect(text).toContain(`Of the ${en(churn.customers)} customers with an order in`);
      expect(text).toContain('not the Model page’s share, which is over every customer ever seen');
      expect(await definition.locator('.definition-text').isVisible()).toBe(true);
      await shot('definition');
      await page.keyboard.press('Escape');
      expect(await definition.locator('.definition-text').isVisible()).toBe(false);
    });

    it('the Repeat page judges every cohort over 90 days by default and names its rate', async () => {
      const within = await apiQuery<Repeat>(server, 'repeat.summary', {
        period: 'month',
        withinDays: 90,
        filters: {},
      });
      await page.goto(`${server.url}/repeat`);
      const rate = page.getByTestId('repeat-rate');
      await expect.poll(() => rate.textContent()).toBe(enPercent(within.overall.rate ?? 0));
      expect(await page.getByTestId('repeat-rate-label').textContent()).toBe('All-cohort 90-day repeat rate');
      expect(await page.getByTestId('control-within').inputValue()).toBe('90');
      expect(await page.getByTestId('repeat-rate-note').textContent()).toContain(
        `of ${en(within.overall.customers)} customers acquired by`,
      );
      await page.getByTestId('repeat-rate-definition').locator('summary').click();
      expect(await page.getByTestId('repeat-rate-definition').textContent()).toContain(
        'The Overview’s Recent 90-day repeat rate applies the same rule to one quarter’s new customers only',
      );
      await shot('repeat');

      const any = await apiQuery<Repeat>(server, 'repeat.summary', { period: 'month', filters: {} });
      await page.getByTestId('control-within').selectOption('any');
      await expect.poll(() => new URL(page.url()).searchParams.get('within')).toBe('any');
      await expect.poll(() => rate.textContent()).toBe(enPercent(any.overall.rate ?? 0));
      expect(await page.getByTestId('repeat-rate-label').textContent()).toBe(
        'All-cohort repeat rate, any time',
      );
      expect(
        await page.getByTestId('chart-repeat-by-cohort').locator('.card-header p').textContent(),
      ).toContain('recent cohorts have had less time to come back');
    });

    it('the Complaints page leads with fast against slow resolution at equal activity, and caveats the raw split', async () => {
      const impact = await apiQuery<Impact>(server, 'impact.summary', {
        period: 'month',
        mode: 'on',
        maxOffset: 12,
        filters: {},
      });
      const speed = impact.resolutionSpeed;
      if (!speed.matched) throw new Error('the demo data should have fast and slow complaints to compare');
      await page.goto(`${server.url}/complaints`);
      const headline = page.getByTestId('resolution-headline');
      await headline.waitFor();
      const text = await headline.textContent();
      expect(text).toMatch(
        /^At equal activity, customers whose first complaint was resolved within 2 days came back within 90 days/,
      );
      const points = (share: number) => `${Math.abs(share * 100).toFixed(1)} points`;
      expect(text).toContain(`95 % interval ${speed.matched.low < 0 ? '−' : ''}${points(speed.matched.low)}`);
      expect(text).toContain(`${en(speed.matched.customers)} customers compared`);
      const card = page.getByTestId('chart-resolution-speed');
      await chartDrawn(page, 'chart-resolution-speed', '.recharts-bar-rectangle');
      await card.getByText('The groups compared').click();
      expect(await page.locator('[data-testid=resolution-strata] tbody tr').count()).toBe(
        speed.strata.length,
      );
      const caveat = await page.getByTestId('raw-caveat').textContent();
      expect(caveat).toContain('Not like for like: customers who order more have more occasions to complain');
      expect(caveat).toContain('This says nothing about what complaints do');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('complaints');
    });
  });
});
