import { resolveCurrency } from '@retain/schemas';
import { warehouseInfo } from '@retain/warehouse';
import { engineCurrency, engineFactsInfo } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { analyticsRead } from '../analyticsRead.ts';
import { apiEnv } from '../env.ts';
import { cachedRead, procedure } from '../trpc.ts';

export const infoRouter = {
  /**
   * Row counts, date ranges and data version of the warehouse, and the currency of its amounts. On
   * a Trino cluster (`engine` set) the counts and ranges are the cluster's facts tables', as of the
   * facts' version last read there (`refresh`: read it now); the data version is the local file's.
   */
  get: procedure
    .input(z.object({ refresh: z.boolean().optional() }).optional())
    .query(async ({ ctx, input }) => {
      const local = await cachedRead(ctx, 'info.get', null, () =>
        warehouseInfo(ctx.warehouse, { currency: ctx.currency }),
      );
      const served = ctx.engine;
      if (!served) return { ...local, engine: null };
      const version = input?.refresh ? await served.results.refresh() : await served.results.version();
      // The currency stored with the facts by their mapping is the data's, unless RETAIN_CURRENCY
      // is set: said so, as on the file. Read with the counts, once per version of the facts.
      const facts = await analyticsRead(ctx, 'info.facts', null, async () => ({
        ...(await engineFactsInfo(served.engine)),
        currency: resolveCurrency(
          apiEnv.currency,
          apiEnv.currency ? null : await engineCurrency(served.engine.db),
        ),
      }));
      return {
        ...local,
        ...facts,
        lastIngestAt: null,
        engine: { name: served.engine.name, sourceVersion: version.version, checkedAt: version.checkedAt },
      };
    }),
} satisfies TRPCRouterRecord;
