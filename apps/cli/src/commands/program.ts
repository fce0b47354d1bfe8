import {
  type Effect,
  MIN_UPLIFT_CONTROL,
  MIN_UPLIFT_LISTS,
  type ProgramReport,
  programInputSchema,
  type SavedList,
} from '@retain/schemas';
import type { Command } from 'commander';
import { env } from '../env.ts';
import { formatMoneyIn } from '../output/money.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';
import { parseInput } from './analyticsOptions.ts';

const percent = new Intl.NumberFormat('en-US', {
  style: 'percent',
  maximumFractionDigits: 1,
  minimumFractionDigits: 1,
});
const points = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)}`;
const count = (value: number) => Math.round(value).toLocaleString('en-US');

export function registerLists(program: Command): void {
  program
    .command('lists')
    .description(
      'Saved call lists: date, kind, customers to call and held back, and when each can be measured.',
    )
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ retain lists\n  $ retain lists --json')
    .action(async (flags: { db?: string; json?: boolean }) => {
      const { listCallLists } = await import('@retain/outreach');
      const lists = await withWarehouse(flags.db, (warehouse) => listCallLists(warehouse));
      if (flags.json) console.log(JSON.stringify({ lists }, null, 2));
      else console.log(renderLists(lists));
    });
}

function renderLists(lists: SavedList[]): string {
  if (lists.length === 0)
    return 'No saved lists yet: retain at-risk … --out FILE saves one with a control group.';
  return renderTable(
    ['list', 'date', 'kind', 'to call', 'held back', 'horizon', 'measurable from', 'scores'],
    lists.map((l) => [
      l.listId,
      l.date,
      l.kind,
      l.treated,
      l.control,
      `${l.horizonDays} d`,
      l.control > 0 ? l.measurableFrom : 'never (no control group)',
      l.modelId ?? '–',
    ]),
  );
}

export function registerProgram(program: Command): void {
  program
    .command('program')
    .description(
      'What the calls changed: retention and revenue of the called against the control group, per list and pooled.',
    )
    .option('--list <id>', 'only this saved list')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ retain program
  $ retain program --list L-20260930-k3x9qa --json

A list is measured once its horizon has passed (the orders loaded reach its date + horizon days):
retention is any order within the horizon after the list's date, revenue is the revenue in it.
"Intention to treat" compares everyone on the list to call, reached or not, with the control group;
"contacted" only those whose call was answered. Pooled: every measured list, weighted by its
customers to call. The uplift model replaces the prior P(a call changes the outcome) once
${MIN_UPLIFT_LISTS} lists with control groups have matured, with ${MIN_UPLIFT_CONTROL} control customers between them.`,
    )
    .action(async (flags: { list?: string; db?: string; json?: boolean }) => {
      const { listId } = parseInput(programInputSchema, { listId: flags.list });
      const [{ measureProgram }, { dataCurrency }] = await Promise.all([
        import('@retain/outreach'),
        import('@retain/warehouse'),
      ]);
      await withWarehouse(flags.db, async (warehouse) => {
        const report = await measureProgram(warehouse, { listId });
        if (flags.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        const money = formatMoneyIn((await dataCurrency(warehouse, env.currency)).code);
        console.log(renderProgram(report, money));
      });
    });
}

function effectLines(effect: Effect, money: (value: number) => string): string[] {
  const lines = [
    `  retention   called ${percent.format(effect.treatedRate)} (${count(effect.treatedCustomers)}), control ${percent.format(effect.controlRate)} (${count(effect.controlCustomers)}): ${points(effect.difference)} points, 95 % interval ${points(effect.lower)} to ${points(effect.upper)}`,
    `  saved       ${count(effect.customersSaved)} customers (${count(effect.customersSavedLower)} to ${count(effect.customersSavedUpper)}), ${money(effect.revenueSaved)} revenue (${money(effect.revenueSavedLower)} to ${money(effect.revenueSavedUpper)})`,
  ];
  if (!effect.conclusive)
    lines.push('  The difference cannot be told from noise yet: the interval includes no effect.');
  return lines;
}

function renderProgram(report: ProgramReport, money: (value: number) => string): string {
  if (report.lists.length === 0)
    return 'No saved lists yet: retain at-risk … --out FILE saves one with a control group.';
  const out: string[] = [];
  if (report.pooled) {
    out.push(
      `Pooled over ${report.pooled.lists} measured list${report.pooled.lists === 1 ? '' : 's'} (intention to treat: everyone on a list to call, reached or not):`,
      ...effectLines(report.pooled, money),
    );
    if (report.pooledContacted)
      out.push(
        'Contacted only (answered calls, against the whole control group):',
        ...effectLines(report.pooledContacted, money),
      );
  } else {
    out.push('No list has been measured yet.');
  }
  out.push(
    '',
    renderTable(
      ['list', 'date', 'to call', 'held back', 'called', 'control', 'difference (95 % interval)', 'saved'],
      report.lists.map((l) => [
        l.listId,
        l.date,
        l.treated,
        l.control,
        l.effect ? percent.format(l.effect.treatedRate) : '–',
        l.effect ? percent.format(l.effect.controlRate) : '–',
        l.effect
          ? `${points(l.effect.difference)} (${points(l.effect.lower)} to ${points(l.effect.upper)})`
          : '–',
        l.effect ? `${count(l.effect.customersSaved)}, ${money(l.effect.revenueSaved)}` : '–',
      ]),
    ),
    '',
    ...report.lists.map((l) => `${l.listId}: ${l.note}`),
    '',
    `Orders loaded up to ${report.dataEnd ?? '–'}. Differences are in percentage points of retention (any order within the horizon).`,
  );
  return out.join('\n');
}
