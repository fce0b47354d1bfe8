import type { RouterOutputs } from '@retain/api';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot } from './support/browser.ts';
import { apiQuery, seriousA11yViolations } from './support/dashboard.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

type Info = RouterOutputs['info']['get'];

/** A German ERP export: `;`, day-first dates with a time, decimal comma, "." between thousands. */
const german = (prefix: string) =>
  [
    'Rechnungsnummer;Kundennummer;Rechnungsdatum;Betrag;Menge',
    `${prefix}-1;K-1;03/01/2025 10:15;1.234,50;1`,
    `${prefix}-2;K-2;25/01/2025 18:40;12,00;3`,
    `${prefix}-3;K-1;04/02/2025 09:05;2.345,00;2`,
    '',
  ].join('\n');

const VIEWPORTS = {
  desktop: { width: 1280, height: 860 },
  phone: { width: 400, height: 860 },
} as const;

/**
 * The Data page with a real export: it proposes the mapping, the date format and the separators
 * from the file's headers and values, loads it, says when a second load changes nothing, and words
 * a refused file by its own name and the page's controls. On a desktop and on a 400 px phone.
 */
describe.skipIf(!chromiumAvailable)('data page: uploading a German export', () => {
  let server: RetainServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startRetain({ customers: 300 }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  describe.each(Object.entries(VIEWPORTS))('on a %s', (device, viewport) => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext({ viewport, locale: 'en-US' });
      page = await context.newPage();
      await page.goto(`${server.url}/data`);
    });
    afterAll(async () => {
      await context?.close();
    });

    const upload = async (name: string, content: string) => {
      await page
        .getByTestId('file-input')
        .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
      await page.getByTestId('map-order_id').last().waitFor();
    };
    const removeAll = async () => {
      for (let n = await page.getByRole('button', { name: /^Remove / }).count(); n > 0; n--)
        await page
          .getByRole('button', { name: /^Remove / })
          .first()
          .click();
    };
    /** Nothing wider than the screen: wide tables scroll inside their card. */
    const fitsTheScreen = async () =>
      (await page.evaluate(() => document.documentElement.scrollWidth)) <= viewport.width;

    it('proposes the mapping, the day-first date format and both separators, and loads the file', async () => {
      const before = await apiQuery<Info>(server, 'info.get');
      const prefix = device === 'phone' ? 'P' : 'D';
      await upload(`Bestellungen März ${device}.csv`, german(prefix));
      expect(await page.getByTestId('section-select').inputValue()).toBe('purchases');
      const mapped = Object.fromEntries(
        await Promise.all(
          ['order_id', 'customer_id', 'order_date', 'amount', 'quantity'].map(
            async (c) => [c, await page.getByTestId(`map-${c}`).inputValue()] as const,
          ),
        ),
      );
      expect(mapped).toEqual({
        order_id: 'Rechnungsnummer',
        customer_id: 'Kundennummer',
        order_date: 'Rechnungsdatum',
        amount: 'Betrag',
        quantity: 'Menge',
      });
      expect(await page.getByTestId('date-format').inputValue()).toBe('%d/%m/%Y %H:%M');
      expect(await page.getByTestId('decimal-separator').inputValue()).toBe(',');
      expect(await page.getByTestId('thousands-separator').inputValue()).toBe('.');
      expect(await page.getByTestId('date-format').locator('option:checked').textContent()).toBe(
        '31/01/2024 14:05 (%d/%m/%Y %H:%M, day first)',
      );
      expect(await fitsTheScreen()).toBe(true);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, `upload-proposal-${device}`);

      await page.getByTestId('load-button').click();
      await page.getByTestId('load-summary').waitFor();
      expect(await page.getByTestId('load-headline').textContent()).toMatch(
        new RegExp(`^Loaded in [\\d.]+ s; data version ${before.dataVersion + 1}\\.$`),
      );
      expect(await page.getByTestId('inserted-purchases').textContent()).toBe('3');
      const amounts = await apiQuery<Info>(server, 'info.get');
      expect(amounts.purchases.rows).toBe(before.purchases.rows + 3);
      await screenshot(page, `upload-loaded-${device}`);
    });

    it('says that loading the same export again changes nothing, and keeps the data version', async () => {
      const before = await apiQuery<Info>(server, 'info.get');
      await upload(`Bestellungen März ${device}.csv`, german(device === 'phone' ? 'P' : 'D'));
      await page.getByTestId('load-button').click();
      await page.getByTestId('load-summary').waitFor();
      expect(await page.getByTestId('load-headline').textContent()).toMatch(
        new RegExp(`^Nothing new to load \\([\\d.]+ s\\); the data version stays ${before.dataVersion}\\.$`),
      );
      expect((await apiQuery<Info>(server, 'info.get')).dataVersion).toBe(before.dataVersion);
    });

    it('shows a load’s warnings: a file with only a header', async () => {
      await upload(`Leer ${device}.csv`, 'Rechnungsnummer;Kundennummer;Rechnungsdatum;Betrag\n');
      await page.getByTestId('load-button').click();
      await page.getByTestId('load-warnings').waitFor();
      expect(await page.getByTestId('load-warnings').textContent()).toBe(
        `Leer ${device}.csv: no data rows (only a header); nothing to load from it.`,
      );
    });

    it('asks day first or month first when no day is after the 12th, and waits for the answer', async () => {
      const prefix = device === 'phone' ? 'PA' : 'DA';
      await upload(
        `Januar ${device}.csv`,
        `Rechnungsnummer;Kundennummer;Rechnungsdatum;Betrag\n${prefix}-1;K-3;03/01/2025 10:15;12,50\n${prefix}-2;K-4;04/01/2025 11:00;7,00\n`,
      );
      expect(await page.getByTestId('date-format').inputValue()).toBe('?');
      expect(await page.getByTestId('load-button').isDisabled()).toBe(true);
      expect(await page.getByTestId('choices-left').textContent()).toBe(
        `Januar ${device}.csv: Choose the date format: day first or month first.`,
      );
      expect(await page.getByTestId('inspection-notes').textContent()).toContain(
        '“03/01/2025 10:15” can be day first or month first',
      );
      await screenshot(page, `upload-choose-date-${device}`);
      await page.getByTestId('date-format').selectOption('%d/%m/%Y %H:%M');
      await page.getByTestId('load-button').click();
      await page.getByTestId('load-summary').waitFor();
      expect(await page.getByTestId('inserted-purchases').textContent()).toBe('2');
    });

    it('refuses a bad file by its own name and points at the page’s controls, not a mapping file', async () => {
      const before = await apiQuery<Info>(server, 'info.get');
      const name = `Bestellungen April ${device}.csv`;
      await upload(
        name,
        [
          'Rechnungsnummer;Kundennummer;Rechnungsdatum;Betrag',
          'X-1;K-1;25/04/2025 10:15;1.234,50',
          'X-2;K-2;31/04/2025 18:40;12,00',
          'X-3;K-1;26/04/2025 09:05;12€',
          '',
        ].join('\n'),
      );
      await page.getByTestId('load-button').click();
      const error = page.getByTestId('load-error');
      await error.waitFor();
      const text = (await error.textContent()) ?? '';
      expect(await error.locator('.error-title').textContent()).toBe(
        `Nothing was loaded: 2 problems in ${name}.`,
      );
      const issues = await page.getByTestId('load-issue').allTextContents();
      expect(issues).toEqual([
        `${name}, line 3, column Rechnungsdatum (“31/04/2025 18:40”): not a date in the format %d/%m/%Y %H:%M, with a year between 1900 and 2200; choose the Date format above`,
        `${name}, line 4, column Betrag (“12€”): not a number written like 1.234,50 (decimal comma, "." between thousands); choose the Decimal and Thousands separators above`,
      ]);
      expect(text).not.toMatch(/mapping file|uploads|\/tmp\/|[0-9a-f]{8}-[0-9a-f]{4}-/i);
      expect(text.match(/nothing was loaded/gi)).toHaveLength(1);
      expect((await apiQuery<Info>(server, 'info.get')).dataVersion).toBe(before.dataVersion);
      expect(await fitsTheScreen()).toBe(true);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await error.scrollIntoViewIfNeeded();
      await screenshot(page, `upload-refused-${device}`);
      await removeAll();
    });
  });
});
