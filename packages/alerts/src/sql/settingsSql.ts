import { type Db, sql } from '@retain/warehouse';
import { z } from 'zod';

const SETTING_ROW = z.object({ key: z.string(), value: z.string() });

/** Every stored setting, its JSON value parsed. */
export async function readSettingRows(db: Db): Promise<Record<string, unknown>> {
  const rows = await db.query(
    sql`SELECT key, CAST(value AS VARCHAR) AS value FROM alert_settings`,
    SETTING_ROW,
  );
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

export async function writeSetting(db: Db, key: string, value: unknown): Promise<void> {
  await db.run(
    db.dialect.upsert('alert_settings', ['key', 'value'], [sql`${key}`, sql`${JSON.stringify(value)}`]),
  );
}
