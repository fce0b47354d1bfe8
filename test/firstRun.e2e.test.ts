import type { RouterOutputs } from '@retain/api';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from './support/browser.ts';
import { apiMutation, apiQuery, waitFor } from './support/dashboard.ts';
import { demoDashboard } from './support/demoDashboard.ts';

type Models = RouterOutputs['model']['list'];

/** Every page of the dashboard. */
const PAGES = [
  '/',
  '/cohorts',
  '/repeat',
  '/complaints',
  '/at-risk',
  '/model',
  '/sql',
  '/data',
  '/users',
  '/audit',
];

/** A command-line instruction on a web page: a `retain` verb, npm or npx. */
const CLI_INSTRUCTION =
  /\bretain (train|score|serve|ingest|demo|users|kpis|repeat|cohorts|query|at-risk|models|info|audit)\b|\bnpm (start|run|ci)\b|\bnpx\b/;

/**
 * The first run as a new user meets it: `npm start` on an empty database generates demo data
 * and trains the first churn model in the background while the dashboard already answers. The
 * At risk page shows the training's progress and what will appear (not a red error telling the
 * user to run commands), then the list by itself. No page shows a command-line instruction.
 * The server's log says how far the demo data has got, where to watch the training, who started
 * a training from the dashboard, and what stopping interrupts.
 */
describe.skipIf(!chromiumAvailable)('a first run that never looks broken', () => {
  const demo = demoDashboard({ customers: 3000 });

  it('says on start-up how far the demo data has got and where to watch the first model', () => {
    const log = demo.server.output();
    expect(log).toMatch(/^ {2}generated 3,000 of 3,000 customers \(100%\)$/m);
    expect(log).toMatch(/^ {2}loading purchases …$/m);
    expect(log).toMatch(
      /^Loaded [\d,]+ order lines, [\d,]+ complaints and [\d,]+ returns in \d+ s \(data version 1\)\.$/m,
    );
    expect(log).toContain(
      `Watch it on ${demo.server.url}/model; the call list appears on ${demo.server.url}/at-risk`,
    );
  });

  it('At risk shows the first model training and what will appear, then the list by itself', async () => {
    // Straight after start-up: the first model is still training (it takes tens of seconds).
    expect((await apiQuery<Models>(demo.server, 'model.list')).length).toBe(0);
    const firstRow = (page: Page) => page.locator('[data-testid=call-list] [data-index="0"][data-key]');
    for (const viewport of ['desktop', 'phone'] as const) {
      const page = demo.pages[viewport];
      await page.goto(`${demo.server.url}/at-risk`);
      const state = page.getByTestId('first-model');
      // The server starts the training by itself a moment after start-up, and on a fast machine it
      // may be done before the page is read: the page shows it training (never a dead end), or the
      // list once it is done.
      await expect
        .poll(
          async () =>
            (await firstRow(page).count()) > 0
              ? 'list'
              : (await state.locator('h2').allTextContents()).join(),
          { timeout: 60_000, interval: 500 },
        )
        .toMatch(/^(list|Training the first churn model)$/);
      if ((await firstRow(page).count()) > 0) continue;
      await page.getByTestId('first-model-progress').waitFor();
      expect(await page.getByTestId('first-model-percent').getAttribute('max')).toBe('100');
      expect(await state.textContent()).toContain('It appears here by itself when the model is ready.');
      // Not an error, and no command to run.
      expect(await page.locator('[role=alert]').count()).toBe(0);
      expect(await page.locator('body').textContent()).not.toContain('Could not load the call list');
      expect(await page.locator('body').textContent()).not.toMatch(CLI_INSTRUCTION);
      await screenshot(page, `first-run-at-risk-training-${viewport}`, { fullPage: false });
    }
    // The progress moves while the page is open (or the run ends and the list takes its place).
    const percent = async () => {
      const bar = demo.pages.desktop.getByTestId('first-model-percent');
      return (await bar.count()) === 0 ? Number.POSITIVE_INFINITY : Number(await bar.getAttribute('value'));
    };
    const first = await percent();
    if (Number.isFinite(first)) {
      await expect.poll(percent, { timeout: 120_000, interval: 1000 }).toBeGreaterThan(first);
    }

    // When the model is ready the list takes the place of the progress, without a reload.
    for (const viewport of ['desktop', 'phone'] as const) {
      const page = demo.pages[viewport];
      await page.locator('[data-testid=call-list] [data-index="0"][data-key]').waitFor({ timeout: 240_000 });
      expect(await page.getByTestId('first-model').count()).toBe(0);
      expect(await page.getByTestId('at-risk-summary').textContent()).toContain('eligible customers to call');
      await screenshot(page, `first-run-at-risk-ready-${viewport}`, { fullPage: false });
    }
    // Its waits (the progress moving, then the model) take up to six minutes on a loaded machine.
  }, 400_000);

  it('shows no command-line instruction on any page', async () => {
    const page = demo.pages.desktop;
    for (const path of PAGES) {
      await page.goto(`${demo.server.url}${path}`);
      await page.locator('h1').first().waitFor();
      // Let each page's data arrive (loading blocks say nothing).
      await page.waitForLoadState('networkidle');
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text, path).not.toMatch(CLI_INSTRUCTION);
    }
  });

  it('logs a training started from the dashboard: when, by whom, from where', async () => {
    await waitFor(
      async () => ((await apiQuery<Models>(demo.server, 'model.list')).length > 0 ? true : undefined),
      240_000,
      'the first model',
    );
    const job = await apiMutation<{ jobId: string; startedAt: string }>(demo.server, 'model.train', {});
    await expect
      .poll(() => demo.server.output())
      .toContain(
        `[train] ${job.startedAt}: demo (admin) from 127.0.0.1 started training ${job.jobId} on the dashboard`,
      );
  });

  it('says on shutdown that it is stopping, what it interrupts, and that it stopped', async () => {
    // The training started above still runs: stopping interrupts it.
    await demo.server.stop();
    const log = demo.server.output();
    const stopping = log.indexOf('SIGTERM: stopping Retain… (again to stop at once)');
    expect(stopping).toBeGreaterThan(0);
    expect(log.slice(stopping)).toMatch(
      /Interrupting the churn model training started \S+ \([^)]*\): nothing of it is kept, the scores in use stay as they were\./,
    );
    expect(log.trimEnd().endsWith('Stopped.')).toBe(true);
  });
});
