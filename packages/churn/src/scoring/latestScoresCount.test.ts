import { openTestWarehouse, tempDir, writeScores } from '@retain/warehouse/testing';
import { expect, it } from 'vitest';
import { latestScoresCount } from './latestScoresCount.ts';

it('counts the customers the scores in use cover, 0 before any scores', async () => {
  const { dir, cleanup } = tempDir('retain-latest-scores-count-');
  const warehouse = await openTestWarehouse(dir);
  try {
    expect(await latestScoresCount(warehouse)).toBe(0);
    await writeScores(
      warehouse,
      `SELECT * FROM (VALUES ('A1', 0.5, 100.0, 'At risk', ['x']), ('B1', 0.2, 50.0, 'Loyal', ['y']))
         t(customer_id, churn_probability, value_at_risk, segment, reasons)`,
    );
    expect(await latestScoresCount(warehouse)).toBe(2);
  } finally {
    warehouse.close();
    cleanup();
  }
});
