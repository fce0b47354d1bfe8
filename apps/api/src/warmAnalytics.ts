import { ensureAnalyticsRollup } from '@retain/analytics';
import type { Warehouse } from '@retain/warehouse';

/**
 * Brings the analytics rollup up to the current data version in the background, so that the first
 * dashboard request after a start or a load does not wait for it.
 */
export function warmAnalytics(warehouse: Warehouse): void {
  ensureAnalyticsRollup(warehouse).catch((error: unknown) => console.error('[api] analytics rollup:', error));
}
