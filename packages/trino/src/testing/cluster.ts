import fs from 'node:fs';
import path from 'node:path';

/**
 * The Trino cluster the engine tests run against: `RETAIN_TRINO_URL` (an engine URL) and
 * `RETAIN_TRINO_LAKE` (the local folder behind its `lake` catalog), as
 * `node scripts/trino-cluster.mjs start` prints and `.ci/run` exports. Without them the suite is
 * skipped with a message; with `RETAIN_REQUIRE_TRINO=1` (set by `.ci/run`) a missing cluster fails.
 */
export interface TestCluster {
  url: string;
  lake: string;
}

export const clusterRequired = process.env.RETAIN_REQUIRE_TRINO === '1';

export function testCluster(): TestCluster | null {
  const url = process.env.RETAIN_TRINO_URL;
  const lake = process.env.RETAIN_TRINO_LAKE;
  if (!url || !lake) {
    if (clusterRequired)
      throw new Error('RETAIN_REQUIRE_TRINO=1 but RETAIN_TRINO_URL or RETAIN_TRINO_LAKE is not set');
    console.warn(
      'Trino engine suite skipped: no cluster (start one with `node scripts/trino-cluster.mjs start`, then set RETAIN_TRINO_URL and RETAIN_TRINO_LAKE as it prints; .ci/run does this)',
    );
    return null;
  }
  if (!fs.existsSync(lake)) throw new Error(`RETAIN_TRINO_LAKE=${lake} does not exist`);
  return { url, lake: path.resolve(lake) };
}
