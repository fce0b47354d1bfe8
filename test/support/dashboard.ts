import fs from 'node:fs';
import { createRequire } from 'node:module';
import { API_REQUEST_HEADERS } from '@retain/schemas';
import type { Download, Page } from 'playwright-core';
import type { RetainServer } from './retainServer.ts';

const require = createRequire(import.meta.url);
// Read once; evaluated in the page through the debugging protocol, which the dashboard's
// Content-Security-Policy (no inline scripts) rightly does not allow a <script> tag to do.
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** How to call the API as someone: the session cookie of `signIn` (none in demo mode). */
export interface Caller {
  cookie?: string;
}

/** Calls a tRPC query over HTTP, as the dashboard does, and returns its data. */
export async function apiQuery<T>(
  server: RetainServer,
  path: string,
  input?: unknown,
  as: Caller = {},
): Promise<T> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${server.url}/trpc/${path}${query}`, {
    headers: as.cookie ? { cookie: as.cookie } : {},
  });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!response.ok || !body.result) throw new Error(`${path}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

/** Calls a tRPC mutation over HTTP, with the header the dashboard sends, and returns its data. */
export async function apiMutation<T>(
  server: RetainServer,
  path: string,
  input: unknown,
  as: Caller = {},
): Promise<T> {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...API_REQUEST_HEADERS,
      ...(as.cookie ? { cookie: as.cookie } : {}),
    },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!response.ok || !body.result) throw new Error(`${path}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

/** Signs in over HTTP (as the login form does) and returns the session cookie to call the API with. */
export async function signIn(server: RetainServer, username: string, password: string): Promise<Caller> {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...API_REQUEST_HEADERS },
    body: JSON.stringify({ username, password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!response.ok || !cookie) throw new Error(`signing in as ${username} failed: ${response.status}`);
  return { cookie };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page and returns its violations of the given impacts, each as a short line
 * naming the impact, the rule and the first elements, so a failing assertion says what to fix.
 */
export async function a11yViolations(
  page: Page,
  impacts: readonly string[] = ['minor', 'moderate', 'serious', 'critical'],
): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => impacts.includes(v.impact ?? ''))
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** The serious and critical axe-core violations in the page. */
export function seriousA11yViolations(page: Page): Promise<string[]> {
  return a11yViolations(page, ['serious', 'critical']);
}

/** Clicks something that downloads a file and returns the file's text. */
export async function downloadText(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), text: await readDownload(download) };
}

async function readDownload(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

/** Parses RFC 4180 CSV (the dashboard's downloads), dropping a byte order mark. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The visible text of every cell of a table, row by row (header row first). */
export async function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page
    .locator(selector)
    .evaluate((table) =>
      Array.from(table.querySelectorAll('tr'), (tr) =>
        Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent?.trim() ?? ''),
      ),
    );
}

export const en = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
/** A share as the dashboard writes it: always one decimal (13.0%, 13.1%). */
export const enPercent = (share: number) =>
  share.toLocaleString('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Scrolls a chart card into view (charts are drawn when they near the viewport) and waits for its marks. */
export async function chartDrawn(page: Page, testId: string, marks = '.recharts-surface'): Promise<void> {
  const card = page.getByTestId(testId);
  await card.scrollIntoViewIfNeeded();
  await card.locator(marks).first().waitFor({ state: 'attached' });
}
