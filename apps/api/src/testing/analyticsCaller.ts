import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import type { Warehouse } from '@retain/warehouse';
import { createServices } from '../context.ts';
import { createCaller } from '../root.ts';

/**
 * A caller over a real DuckDB holding the analytics hand fixture (packages/analytics,
 * testing/handFixture.ts), whose figures are worked out there; router tests check the wiring.
 */
export async function analyticsCaller(): Promise<{
  caller: ReturnType<typeof createCaller>;
  warehouse: Warehouse;
  close: () => void;
}> {
  const { warehouse, close } = await openFixture(HAND_FIXTURE);
  return { caller: createCaller(createServices(warehouse)), warehouse, close };
}
