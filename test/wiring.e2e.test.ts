import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, newPage, screenshot } from './support/browser.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

interface InfoResponse {
  result: {
    data: { dataVersion: number; purchases: { rows: number; orders: number }; customers: { rows: number } };
  };
}

/** A fresh start as `npm start` does it: empty database → demo data → API → dashboard. */
describe.skipIf(!chromiumAvailable)('fresh start, end to end', () => {
  let server: RetainServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startRetain({ customers: 2000 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('generates and loads demo data on an empty database', () => {
    expect(server.output()).toMatch(/generating demo data \(2,000 customers\)/);
    expect(server.output()).toMatch(/Loaded [\d,]+ order lines/);
  });

  it('shows the warehouse through tRPC and react-query, equal to the API', async () => {
    const api = (await (await fetch(`${server.url}/trpc/info.get`)).json()) as InfoResponse;
    const info = api.result.data;
    expect(info.purchases.rows).toBeGreaterThan(2000);
    const page = await newPage(browser);
    await page.goto(`${server.url}/data`);
    const lines = page.getByTestId('rows-order-lines');
    await expect.poll(() => lines.textContent()).toBe(info.purchases.rows.toLocaleString('en-US'));
    expect(await page.getByTestId('rows-orders').textContent()).toBe(
      info.purchases.orders.toLocaleString('en-US'),
    );
    expect(await page.getByTestId('data-version').textContent()).toBe(String(info.dataVersion));
    await screenshot(page, 'data');
  });
});
