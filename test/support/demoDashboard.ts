import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, pagesByViewport, type Viewport } from './browser.ts';
import { type RetainServer, type StartOptions, startRetain } from './retainServer.ts';

/** A demo server and a desktop and a 400 px phone page on it, for one describe block. */
export interface DemoDashboard {
  readonly server: RetainServer;
  readonly pages: Record<Viewport, Page>;
}

/**
 * The set-up the browser tests share: `retain serve` on a demo database (startRetain's options)
 * and Chromium, started together before the block's tests, one page per viewport; both stopped
 * after them. Call it in a describe; read `server` and `pages` in its tests and hooks (hooks
 * registered after this one run after it, so they find the server started). Options that depend
 * on something an earlier hook starts (a webhook receiver's host) are given as a function.
 */
export function demoDashboard(options: StartOptions | (() => StartOptions) = {}): DemoDashboard {
  let server: RetainServer | undefined;
  let browser: Browser | undefined;
  let pages: Record<Viewport, Page> | undefined;
  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([
      startRetain(typeof options === 'function' ? options() : options),
      launchBrowser(),
    ]);
    // Whichever started is kept, so that afterAll stops it even when the other failed.
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    pages = await pagesByViewport(launched.value);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the demo dashboard is read before its beforeAll ran');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get pages() {
      return started(pages);
    },
  };
}
