import {
  CONSOLE_SCHEMA,
  deleteSavedQuery,
  listSavedQueries,
  readOnlyQuery,
  saveQuery,
} from '@retain/warehouse';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';

export const queryRouter = {
  /** One read-only statement of SQL; at most `limit` rows come back, `truncated` says if there were more. */
  run: publicProcedure
    .input(
      z.object({
        sql: z.string().min(1).max(100_000),
        limit: z.number().int().min(1).max(10_000).default(1_000),
      }),
    )
    .mutation(({ ctx, input }) =>
      readOnlyQuery(ctx.warehouse, input.sql, { rowCap: input.limit, access: 'full' }),
    ),

  /** The tables the console can query, with their columns, for the schema browser and completion. */
  schema: publicProcedure.query(({ ctx }) =>
    ctx.warehouse.read(async (conn) => {
      const rows = (
        await conn.runAndReadAll(
          `
          SELECT c.table_name, c.column_name, c.data_type
          FROM information_schema.columns c
          WHERE c.table_schema = $schema
          ORDER BY c.table_name, c.ordinal_position`,
          { schema: CONSOLE_SCHEMA.full },
        )
      ).getRowObjects();
      const tables = new Map<
        string,
        { name: string; kind: 'table' | 'view'; columns: { name: string; type: string }[] }
      >();
      for (const row of rows) {
        const name = String(row.table_name);
        const table = tables.get(name) ?? {
          name,
          kind: row.table_type === 'VIEW' ? 'view' : 'table',
          columns: [],
        };
        table.columns.push({ name: String(row.column_name), type: String(row.data_type) });
        tables.set(name, table);
      }
      return [...tables.values()];
    }),
  ),

  /** Queries saved from the console, stored in the warehouse. */
  saved: publicProcedure.query(({ ctx }) => listSavedQueries(ctx.warehouse)),

  save: publicProcedure
    .input(
      z.object({
        queryId: z.string().uuid().optional(),
        name: z.string().trim().min(1).max(200),
        sql: z.string().min(1).max(100_000),
        chart: z.unknown().optional(),
      }),
    )
    .mutation(({ ctx, input }) => saveQuery(ctx.warehouse, input)),

  remove: publicProcedure
    .input(z.object({ queryId: z.string().uuid() }))
    .mutation(({ ctx, input }) => deleteSavedQuery(ctx.warehouse, input.queryId)),
} satisfies TRPCRouterRecord;
