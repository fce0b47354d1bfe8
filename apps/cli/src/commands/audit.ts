import type { Command } from 'commander';
import { checkFilterValues } from '../filterValues.ts';
import { UsageError } from '../output/errors.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      'The audit trail: sign-ins, exports, SQL runs, loads, trainings, call outcomes and user changes, newest first.',
    )
    .option('--user <name>', 'only this user')
    .option(
      '--action <action>',
      'only this action (login, login-failed, export, sql, ingest, train, call-outcome, user-add, …)',
    )
    .option('--limit <n>', 'entries at most', '50')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ retain audit --action export\n  $ retain audit --user maria --json',
    )
    .action(async (flags: { user?: string; action?: string; limit: string; db?: string; json?: boolean }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit must be a whole number above 0');
      const { listAudit } = await import('@retain/access');
      const entries = await withWarehouse(flags.db, async (w) => {
        // An action or user nobody has yet is a fair question; a misspelt one is refused.
        const one = (value: string | undefined) => (value === undefined ? [] : [value]);
        await checkFilterValues(w, [
          { flag: '--user', column: 'auditUser', values: one(flags.user), misspeltOnly: true },
          { flag: '--action', column: 'auditAction', values: one(flags.action), misspeltOnly: true },
        ]);
        return listAudit(w, { username: flags.user, action: flags.action, limit });
      });
      if (flags.json) {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      console.log(
        renderTable(
          ['when (UTC)', 'user', 'action', 'detail'],
          entries.map((e) => [
            e.at.slice(0, 19).replace('T', ' '),
            e.username ?? '—',
            e.action,
            JSON.stringify(e.detail).slice(0, 90),
          ]),
        ),
      );
    });
}
