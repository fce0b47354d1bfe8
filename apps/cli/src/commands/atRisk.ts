import { type CallListSummary, callListFiltersSchema, DEFAULT_CALL_CAPACITY } from '@retain/schemas';
import type { Command } from 'commander';
import { cliRequester } from '../audit.ts';
import { env } from '../env.ts';
import { callListValueChecks, checkFilterValues } from '../filterValues.ts';
import { outFile } from '../outPath.ts';
import { UsageError } from '../output/errors.ts';
import { formatMoneyIn } from '../output/money.ts';
import { ProgressBar } from '../output/progressBar.ts';
import { withWarehouse } from '../warehouse.ts';
import { parseInput } from './analyticsOptions.ts';

interface AtRiskFlags {
  db?: string;
  out?: string;
  top?: string;
  capacity?: string;
  minProbability?: string;
  maxProbability?: string;
  minValue?: string;
  segment: string[];
  region: string[];
  openComplaint?: string;
  excludeContactedDays?: string;
  hasPhone?: string;
  phoneCountry?: string;
  bom?: boolean;
  json?: boolean;
}

const number = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new UsageError(`${flag}: "${value}" is not a number`);
  return parsed;
};

/** Repeated flags (`--segment Lost --segment "At risk"`) collect into a list. */
const collect = (value: string, previous: string[]) => [...previous, value];
const oneOrSeveral = (values: string[]) =>
  values.length === 0 ? undefined : values.length === 1 ? values[0] : values;

const YES_NO_ANY: Record<string, boolean | undefined> = { yes: true, no: false, any: undefined };
const yesNoAny = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  if (!Object.hasOwn(YES_NO_ANY, value)) throw new UsageError(`${flag}: "${value}" is not yes, no or any`);
  return YES_NO_ANY[value];
};

export function registerAtRisk(program: Command): void {
  program
    .command('at-risk')
    .description('Write the call list: scored customers who may be contacted, ranked by value at risk (CSV).')
    .option('--out <file>', 'write the list to this CSV file (default: print the CSV)')
    .option('--top <n>', 'the first N customers of the ranked list')
    .option(
      '--capacity <n>',
      'as many customers as the team can call; the summary says how much value at risk they cover',
    )
    .option('--min-probability <p>', 'only customers with a churn probability of at least p (0–1)')
    .option('--max-probability <p>', 'only customers with a churn probability of at most p (0–1)')
    .option('--min-value <v>', 'only customers with a value at risk of at least v')
    .option(
      '--segment <name>',
      'only customers in this RFM segment, e.g. "At risk" (repeat for several)',
      collect,
      [],
    )
    .option('--region <name>', 'only customers in this region (repeat for several)', collect, [])
    .option(
      '--open-complaint <yes|no|any>',
      'only customers with (yes) or without (no) an unresolved complaint; default any',
    )
    .option('--exclude-contacted-days <d>', 'leave out customers with an outcome recorded in the last D days')
    .option(
      '--has-phone <yes|no|any>',
      'only customers with (yes) or without (no) a phone number a dialler can call; default any',
    )
    .option(
      '--phone-country <CC>',
      'read national phone numbers as numbers of this country (e.g. GB) where the region names none; default: the country most numbers are from',
    )
    .option('--bom', 'start the file with a byte order mark, so that Excel reads it as UTF-8')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print the summary as JSON (with --out)')
    .addHelpText(
      'after',
      `
Examples:
  $ retain at-risk --top 200 --out calls.csv
  $ retain at-risk --capacity 500 --exclude-contacted-days 30 --bom --out calls.csv
  $ retain at-risk --segment "At risk" --region North --min-probability 0.6 --out north.csv --json
  $ retain at-risk --segment "At risk" --segment "Can't lose them" --open-complaint yes --min-value 200
  $ retain at-risk --capacity 200 --has-phone yes --out week.csv

Customers without contact consent, and those whose latest outcome is "do not call", are never
listed; the summary counts them. Without --top or --capacity the whole list is written; the
dashboard starts from a week's calls (${DEFAULT_CALL_CAPACITY}) of customers with a phone number.
Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading ' ;
phone_e164 holds only + and digits ("+447700900123") and is written as it is, for diallers.
The file appears under its name only once complete.
Columns: rank, customer_id, name, phone, email, churn_probability, value_at_risk, last_order_date,
orders, open_complaints, reasons, last_contact, last_outcome, phone_e164, segment, standing
(see README.md, "At-risk call lists").`,
    )
    .action(async (flags: AtRiskFlags) => {
      if (flags.json && !flags.out)
        throw new UsageError('--json prints the summary of a file: give --out FILE');
      if (flags.top !== undefined && flags.capacity !== undefined) {
        throw new UsageError('choose --top or --capacity, not both');
      }
      const out = flags.out === undefined ? undefined : outFile('--out', flags.out);
      const filters = parseInput(callListFiltersSchema, {
        top: number('--top', flags.top),
        capacity: number('--capacity', flags.capacity),
        minProbability: number('--min-probability', flags.minProbability),
        maxProbability: number('--max-probability', flags.maxProbability),
        minValue: number('--min-value', flags.minValue),
        segment: oneOrSeveral(flags.segment),
        region: oneOrSeveral(flags.region),
        hasOpenComplaint: yesNoAny('--open-complaint', flags.openComplaint),
        excludeContactedDays: number('--exclude-contacted-days', flags.excludeContactedDays),
        hasPhone: yesNoAny('--has-phone', flags.hasPhone),
        phoneCountry: flags.phoneCountry,
      });
      const { exportCallListFile, streamCallList } = await import('@retain/workflows');
      // The CLI has no sign-in: the audit entry names the operating-system user in its detail.
      const requester = cliRequester();
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      const bar = new ProgressBar(env.interactive && !flags.json && flags.out !== undefined);
      try {
        await withWarehouse(flags.db, async (warehouse) => {
          await checkFilterValues(warehouse, callListValueChecks(filters));
          const { dataCurrency } = await import('@retain/warehouse');
          const money = formatMoneyIn((await dataCurrency(warehouse, env.currency)).code);
          const base = { requester, bom: flags.bom ?? false, signal: stop.signal };
          if (out) {
            const result = await exportCallListFile(warehouse, filters, out, {
              ...base,
              onMemoryRaised: (fromMb, toMb) => {
                bar.done();
                console.error(
                  `DuckDB needed more than ${fromMb} MB to rank this list; starting again with ${toMb} MB.`,
                );
              },
              onProgress: ({ phase, bytes, rows }) =>
                bar.update(
                  phase === 'ranking'
                    ? `ranking ${rows.toLocaleString('en-US')} customers`
                    : `${(bytes / 1e6).toFixed(0)} MB written`,
                  null,
                ),
            });
            bar.done();
            if (flags.json) console.log(JSON.stringify(result, null, 2));
            else console.log(renderSummary(result, result.path, money));
          } else {
            const result = await streamCallList(warehouse, filters, process.stdout, {
              ...base,
              detail: { printed: true },
            });
            console.error(renderSummary(result, null, money));
          }
        });
      } catch (error) {
        if (!stop.signal.aborted) throw error;
        console.error('interrupted: no file was written');
        process.exitCode = 130;
      } finally {
        bar.done();
        process.off('SIGINT', interrupt);
      }
    });
}

const share = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

function renderSummary(
  summary: CallListSummary & { rows: number },
  file: string | null,
  money: (value: number) => string,
): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const lines = [
    `${count(summary.rows)} customers ${file ? `written to ${file}` : 'listed'}, ranked by value at risk.`,
  ];
  if (summary.cut === 'capacity') {
    const covered =
      summary.valueAtRiskEligible > 0 ? summary.valueAtRiskListed / summary.valueAtRiskEligible : 1;
    lines.push(
      `Capacity ${count(summary.listed)} of ${count(summary.eligible)} callable customers covers ` +
        `${money(summary.valueAtRiskListed)} of ${money(summary.valueAtRiskEligible)} value at risk (${share.format(covered)}).`,
    );
  } else if (summary.cut === 'top') {
    lines.push(`Top ${count(summary.listed)} of ${count(summary.eligible)} callable customers.`);
  } else {
    lines.push(
      `All ${count(summary.eligible)} callable customers: --capacity N lists the N most valuable calls.`,
    );
  }
  if (summary.listedWithoutPhone > 0)
    lines.push(
      `${count(summary.listedWithoutPhone)} of the listed have no phone number a dialler can call (empty phone_e164); --has-phone yes leaves them out.`,
    );
  const noPhone =
    summary.excludedNoPhone > 0 ? `, ${count(summary.excludedNoPhone)} without a phone number` : '';
  lines.push(
    `Left out: ${count(summary.excludedNoConsent)} without contact consent, ${count(summary.excludedDoNotCall)} "do not call", ` +
      `${count(summary.excludedRecentlyContacted)} contacted recently${noPhone}.`,
  );
  if (summary.modelId)
    lines.push(`Scores: model ${summary.modelId}${summary.scoredAt ? ` as of ${summary.scoredAt}` : ''}.`);
  return lines.join('\n');
}
