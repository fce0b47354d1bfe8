import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import type { Warehouse } from '@retain/warehouse';
import { callerFor } from './callerFor.ts';

/**
 * A caller over a real DuckDB holding the analytics hand fixture (packages/analytics,
 * testing/handFixture.ts), whose figures are worked out there; router tests check the wiring.
 */
export async function analyticsCaller(): Promise<{
  caller: ReturnType<typeof callerFor>;
  warehouse: Warehouse;
  close: () => void;
}> {
  const { warehouse, close } = await openFixture(HAND_FIXTURE);
  return { caller: callerFor(warehouse), warehouse, close };
}
