import {
  type CallListSummary,
  callListFiltersSchema,
  DEFAULT_CALL_CAPACITY,
  DEFAULT_CALL_EFFECT,
  DEFAULT_CONTROL_SHARE,
  DEFAULT_PROGRAM_HORIZON_DAYS,
  LOST_GAP_MULTIPLE,
  LOST_MIN_DAYS,
  LOST_SINGLE_ORDER_DAYS,
  listSettingsSchema,
  programInputSchema,
  type SavedList,
} from '@retain/schemas';
import type { CallListFileOptions } from '@retain/workflows';
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
  control?: string;
  horizon?: string;
  winBack?: boolean;
  callEffect?: string;
  list?: string;
  engine?: string;
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
    .description(
      'Save and write the call list: scored customers who may be contacted, ranked by what a call can save, with a control group held back (CSV).',
    )
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
    .option(
      '--control <share>',
      `hold back this share of the list uncalled, as a control group (0 to 0.5; default ${DEFAULT_CONTROL_SHARE}); 0 saves a list nothing can be measured on`,
    )
    .option(
      '--horizon <days>',
      `measure the list on orders within this many days after its date (default ${DEFAULT_PROGRAM_HORIZON_DAYS})`,
    )
    .option(
      '--win-back',
      `the win-back list: lost customers (no order for over ${LOST_MIN_DAYS} days and ${LOST_GAP_MULTIPLE} usual gaps, or ${LOST_SINGLE_ORDER_DAYS} days after a single order) instead of those who can still be kept`,
    )
    .option(
      '--call-effect <p>',
      `P(a call changes the outcome), for the expected saved value until an uplift model exists (default ${DEFAULT_CALL_EFFECT})`,
    )
    .option('--list <id>', 'write a saved list again (its customers to call), as `retain lists` shows it')
    .option('--bom', 'start the file with a byte order mark, so that Excel reads it as UTF-8')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'read the facts from a Trino cluster holding the facts tables: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE); the scores and the saved list stay in --db',
    )
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
  $ retain at-risk --capacity 200 --control 0.1 --out calls.csv --json
  $ retain at-risk --win-back --top 100 --out win-back.csv
  $ retain at-risk --list L-20260930-k3x9qa --out calls.csv

Every list written is saved (retain lists) with a control group: --control of its customers
(default ${DEFAULT_CONTROL_SHARE * 100} %), chosen by a seeded draw of the list id and the customer id, are held back,
never written, and compared with the called ones once the horizon has passed (retain program).
--top and --capacity count the customers to call; the control group comes on top.
The list is ranked by expected saved value: value at risk × P(a call changes the outcome), the
prior (--call-effect, default ${DEFAULT_CALL_EFFECT * 100} %) until enough lists with control groups have
matured for the uplift model. Lost customers go on the win-back list (--win-back), not this one.

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
        kind: flags.winBack ? 'win-back' : undefined,
        callEffect: number('--call-effect', flags.callEffect),
      });
      const listId =
        flags.list === undefined ? undefined : parseInput(programInputSchema, { listId: flags.list }).listId;
      if (
        listId !== undefined &&
        process.argv.slice(2).some((a) => LIST_DEFINING_FLAGS.has(a.split('=')[0] ?? ''))
      ) {
        throw new UsageError(
          '--list writes a saved list again as it was saved: give it without filters, --control or --horizon',
        );
      }
      const settings = parseInput(listSettingsSchema, {
        controlShare: number('--control', flags.control) ?? DEFAULT_CONTROL_SHARE,
        horizonDays: number('--horizon', flags.horizon) ?? DEFAULT_PROGRAM_HORIZON_DAYS,
      });
      const {
        CALL_LIST_FACT_COLUMNS,
        churnFeatureEngine,
        exportCallListFile,
        saveAndExportCallList,
        saveAndStreamCallList,
        streamCallList,
      } = await import('@retain/workflows');
      const { savedList, stageEngineFacts } = await import('@retain/outreach');
      // Checked before the database file is opened, as train and score do: a cluster that cannot
      // be reached, or lacks a facts table, leaves nothing written locally.
      const engine = await churnFeatureEngine(
        { flag: flags.engine, env: env.engine, password: env.trinoPassword },
        { columns: CALL_LIST_FACT_COLUMNS, reader: 'the call list' },
      );
      // The CLI has no sign-in: the audit entry names the operating-system user in its detail.
      const requester = cliRequester();
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      const bar = new ProgressBar(env.interactive && !flags.json && flags.out !== undefined);
      try {
        await withWarehouse(flags.db, async (warehouse) => {
          // On a cluster the regions are its customers': the local file holds none to check against.
          await checkFilterValues(
            warehouse,
            callListValueChecks(engine ? { segment: filters.segment } : filters),
          );
          // The facts of every scored customer, read from the cluster in batches before anything is
          // saved: a failure there leaves no list behind.
          const facts = engine
            ? await stageEngineFacts(warehouse, engine, {
                onBatch: (done, of) => bar.update('reading facts from the cluster', (done / of) * 100),
              })
            : null;
          try {
            const { dataCurrency } = await import('@retain/warehouse');
            const money = formatMoneyIn((await dataCurrency(warehouse, env.currency)).code);
            const base = { requester, bom: flags.bom ?? false, signal: stop.signal, facts };
            // A saved list written again, or a new list saved with its control group.
            const again = listId === undefined ? null : await savedList(warehouse, listId);
            if (out) {
              const fileOptions: CallListFileOptions = {
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
              };
              // Today's summary is the list's as it was cut (a saved list written again: what was written).
              const { list, summary } = again
                ? await exportCallListFile(warehouse, again.filters, out, {
                    ...fileOptions,
                    listId: again.listId,
                  }).then((result) => ({ list: again, summary: result }))
                : await saveAndExportCallList(warehouse, filters, out, {
                    ...fileOptions,
                    list: settings,
                  }).then(({ list, result }) => ({
                    list,
                    summary: { ...list.summary, rows: result.rows, path: result.path },
                  }));
              bar.done();
              if (flags.json) console.log(JSON.stringify({ ...summary, ...listJson(list) }, null, 2));
              else
                console.log(
                  `${renderSummary(summary, summary.path, money)}\n${renderList(list, again !== null)}`,
                );
            } else if (again) {
              const result = await streamCallList(warehouse, again.filters, process.stdout, {
                ...base,
                listId: again.listId,
                detail: { printed: true, listId: again.listId },
              });
              console.error(`${renderSummary(result, null, money)}\n${renderList(again, true)}`);
            } else {
              const { list, result } = await saveAndStreamCallList(warehouse, filters, process.stdout, {
                ...base,
                list: settings,
                detail: { printed: true },
              });
              console.error(
                `${renderSummary({ ...list.summary, rows: result.rows }, null, money)}\n${renderList(list, false)}`,
              );
            }
          } finally {
            await facts?.release();
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
    `${count(summary.rows)} customers ${file ? `written to ${file}` : 'listed'}, ranked by what a call can save (${
      summary.callEffectSource === 'uplift-model'
        ? 'value at risk × the uplift model’s P(a call changes the outcome)'
        : `value at risk × ${share.format(summary.callEffectPrior)}, the prior P(a call changes the outcome)`
    }).`,
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
  if (summary.onOtherList > 0)
    lines.push(
      summary.kind === 'win-back'
        ? `${count(summary.onOtherList)} customers who can still be kept are on the at-risk list (without --win-back).`
        : `${count(summary.onOtherList)} lost customers (no order for over ${LOST_MIN_DAYS} days and ${LOST_GAP_MULTIPLE} usual gaps) are on the win-back list (--win-back).`,
    );
  if (summary.modelId)
    lines.push(`Scores: model ${summary.modelId}${summary.scoredAt ? ` as of ${summary.scoredAt}` : ''}.`);
  return lines.join('\n');
}

/** Flags that define a new list, which a saved list written again (--list) does not take. */
const LIST_DEFINING_FLAGS = new Set([
  '--top',
  '--capacity',
  '--min-probability',
  '--max-probability',
  '--min-value',
  '--segment',
  '--region',
  '--open-complaint',
  '--exclude-contacted-days',
  '--has-phone',
  '--phone-country',
  '--control',
  '--horizon',
  '--win-back',
  '--call-effect',
]);

/** The saved list's keys printed beside the summary by --json. */
function listJson(list: SavedList) {
  return {
    listId: list.listId,
    date: list.date,
    kind: list.kind,
    horizonDays: list.horizonDays,
    controlShare: list.controlShare,
    treated: list.treated,
    control: list.control,
    measurableFrom: list.control > 0 ? list.measurableFrom : null,
    note: listNote(list),
  };
}

function listNote(list: SavedList): string {
  return list.control === 0
    ? 'No control group (--control 0): nothing about this list can be measured.'
    : `Measurable from ${list.measurableFrom}, once orders up to that day are loaded: retain program --list ${list.listId}.`;
}

/** What was saved, in words. */
function renderList(list: SavedList, again: boolean): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const head = again
    ? `Saved list ${list.listId} (${list.date}) written again: the same customers to call.`
    : list.control === 0
      ? `Saved as list ${list.listId} (${list.date}): ${count(list.treated)} to call, nobody held back.`
      : `Saved as list ${list.listId} (${list.date}): ${count(list.treated)} to call, ${count(list.control)} held back as a control group (${share.format(list.controlShare)}), never written.`;
  return `${head}\n${listNote(list)}`;
}
