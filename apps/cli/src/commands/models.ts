import { CANDIDATE_LABELS } from '@retain/schemas';
import type { Command } from 'commander';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description(
      'List the churn model versions, newest first, with the scorer each ships and its validation AUC.',
    )
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  $ retain models --json')
    .action(async (flags: { db?: string; json?: boolean }) => {
      // tfjs and the model code load only when a verb needs them.
      const { listModels } = await import('@retain/churn');
      const models = await withWarehouse(flags.db, listModels);
      if (flags.json) {
        console.log(JSON.stringify(models, null, 2));
        return;
      }
      if (models.length === 0) {
        console.log('No model yet: run `retain train`.');
        return;
      }
      const auc = (v: number | null) => (v === null ? '–' : v.toFixed(3));
      console.log(
        renderTable(
          [
            'model',
            'created (UTC)',
            'T',
            'H',
            'scorer',
            'AUC',
            'BG/NBD AUC',
            'backend',
            'train s',
            'scored at',
            '',
          ],
          models.map((m) => [
            m.modelId,
            m.createdAt.replace('T', ' ').replace('Z', ''),
            m.asOf,
            String(m.horizonDays),
            CANDIDATE_LABELS[m.scorer],
            auc(m.validationAuc),
            auc(m.bgnbdAuc),
            m.backend,
            m.trainSeconds.toFixed(1),
            m.scoredAsOf.join(', '),
            m.active ? 'active' : '',
          ]),
        ),
      );
    });
}
