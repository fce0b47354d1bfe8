import { type ContactOutcome, contactOutcomeSchema, type Outcome } from '@retain/schemas';
import { sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { UnknownCustomerError } from './errors.ts';
import { migrateOutcomeTables, outcomeTablesExist } from './program/programTables.ts';

export interface OutcomeToRecord {
  customerId: string;
  outcome: Outcome;
  note?: string | undefined;
  /** Who recorded it; null where nobody is signed in. */
  by: string | null;
  /** When the contact happened; now by default. */
  at?: Date;
}

/** A stored outcome; the contact's time as an ISO instant to the millisecond. */
const outcomeRow = z.object({
  customer_id: z.string(),
  contacted_at: z.date().transform((date) => date.toISOString()),
  outcome: z.string(),
  note: z.string().nullable(),
  recorded_by: z.string().nullable(),
});

const COLUMNS = sql`customer_id, contacted_at, outcome, note, recorded_by`;

/**
 * Records what came of contacting a customer. Outcomes are only ever added: the latest one is the
 * customer's current state ("do not call" keeps them off every later list until another outcome is
 * recorded), and the history stays for the team to read.
 */
export async function recordOutcome(warehouse: Warehouse, entry: OutcomeToRecord): Promise<ContactOutcome> {
  const rows = await warehouse.write(async (db) => {
    const id = entry.customerId;
    const known = await db.scalar(
      sql`SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = ${id})
              OR EXISTS (SELECT 1 FROM purchases WHERE customer_id = ${id})`,
      z.boolean(),
    );
    if (!known) throw new UnknownCustomerError(id);
    return db.transaction(async (tx) => {
      await migrateOutcomeTables(tx);
      return tx.query(
        sql`INSERT INTO contact_outcomes (customer_id, contacted_at, outcome, note, recorded_by)
            VALUES (${id}, CAST(${(entry.at ?? new Date()).toISOString()} AS TIMESTAMP), ${entry.outcome},
                    ${entry.note?.trim() || null}, ${entry.by})
            RETURNING ${COLUMNS}`,
        outcomeRow,
      );
    });
  });
  return toOutcome(rows[0]);
}

/** A customer's contacts, newest first; none where no outcome was ever recorded in the database. */
export async function outcomesOf(warehouse: Warehouse, customerId: string): Promise<ContactOutcome[]> {
  const rows = await warehouse.read(async (db) =>
    (await outcomeTablesExist(db))
      ? db.query(
          sql`SELECT ${COLUMNS} FROM contact_outcomes WHERE customer_id = ${customerId}
              ORDER BY contacted_at DESC, outcome = 'do_not_call' DESC`,
          outcomeRow,
        )
      : [],
  );
  return rows.map(toOutcome);
}

function toOutcome(row: z.output<typeof outcomeRow> | undefined): ContactOutcome {
  return contactOutcomeSchema.parse({
    customerId: row?.customer_id,
    contactedAt: row?.contacted_at,
    outcome: row?.outcome,
    note: row?.note,
    recordedBy: row?.recorded_by,
  });
}
