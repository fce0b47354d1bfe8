import fs from 'node:fs';
import { appendAudit } from '@retain/access';
import { sql, type Warehouse } from '@retain/warehouse';
import { migrateProgramTables } from './programTables.ts';

/** Saved lists written elsewhere (the demo generator's past lists): three CSV files. */
export interface CallListFiles {
  /** list_id, kind, list_date, horizon_days, control_share, capacity, filters, call_effect, created_at */
  lists: string;
  /** list_id, customer_id, arm, rank, churn_probability, value_at_risk, expected_saved */
  members: string;
  /** customer_id, contacted_at, outcome, note, recorded_by: the calls made from those lists. */
  outcomes: string;
}

/**
 * Loads lists saved elsewhere, with their members and the outcomes of their calls, in one
 * transaction; lists already here (by id) are left as they are, so loading twice adds nothing.
 * Returns the number of lists added.
 */
export async function loadCallLists(
  warehouse: Warehouse,
  files: CallListFiles,
  requester: { username: string | null; via: string },
): Promise<number> {
  for (const file of Object.values(files)) {
    if (!fs.existsSync(file)) throw new Error(`No file ${file}.`);
  }
  const added = await warehouse.transaction(async (db) => {
    await migrateProgramTables(db);
    const csv = (file: string) => db.dialect.readCsv(file, { header: true, allText: true });
    await db.run(
      db.dialect.createTableAs(
        'incoming_lists',
        sql`SELECT * FROM ${csv(files.lists)} WHERE list_id NOT IN (SELECT list_id FROM call_lists)`,
        { temporary: true },
      ),
    );
    const count = await db.count(sql`SELECT count(*) FROM incoming_lists`);
    await db.run(sql`INSERT INTO call_lists
      SELECT list_id, kind, CAST(list_date AS DATE), CAST(horizon_days AS INTEGER), CAST(control_share AS DOUBLE), NULL,
             CAST(nullif(capacity, '') AS INTEGER), CAST(filters AS JSON), call_effect, CAST(created_at AS TIMESTAMP), NULL
      FROM incoming_lists`);
    await db.run(sql`INSERT INTO call_list_members
      SELECT list_id, customer_id, arm, CAST(rank AS INTEGER), CAST(churn_probability AS DOUBLE),
             CAST(value_at_risk AS DOUBLE), CAST(expected_saved AS DOUBLE)
      FROM ${csv(files.members)} WHERE list_id IN (SELECT list_id FROM incoming_lists)`);
    if (count > 0) {
      await db.run(sql`INSERT INTO contact_outcomes (customer_id, contacted_at, outcome, note, recorded_by)
        SELECT customer_id, CAST(contacted_at AS TIMESTAMP), outcome, nullif(note, ''), nullif(recorded_by, '')
        FROM ${csv(files.outcomes)}`);
    }
    await db.run(sql`DROP TABLE incoming_lists`);
    return count;
  });
  if (added > 0) {
    await appendAudit(warehouse, {
      username: requester.username,
      action: 'load-lists',
      detail: { via: requester.via, lists: added, files },
    });
  }
  return added;
}
