import type { AlertCheck, AlertCheckEntry, AlertCondition } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import type { Command } from 'commander';
import { auditFromCli } from '../audit.ts';
import { env } from '../env.ts';
import { UsageError } from '../output/errors.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

interface Flags {
  db?: string;
  json?: boolean;
}

interface AddFlags extends Flags {
  name: string;
  metric: string;
  above?: string;
  below?: string;
  changeAbove?: string;
  channel?: string;
  region?: string;
  webhook: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The alert settings of the environment (RETAIN_WEBHOOK_HOSTS, RETAIN_WEBHOOK_SECRET, RETAIN_CHROMIUM). */
export async function alertEnv() {
  const [{ parseAlertEnvironment }, { retainVariables }] = await Promise.all([
    import('@retain/alerts'),
    import('@retain/workflows/env'),
  ]);
  try {
    return parseAlertEnvironment(retainVariables());
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Alert rules on the KPIs: add, list, remove, and check them now (e.g. from a system cron).')
    .addHelpText(
      'after',
      `
Examples:
  $ retain alerts add --name "Churn up" --metric churnRate --above 30% --webhook https://hooks.slack.com/services/…
  $ retain alerts add --name "Repeat moves" --metric repeatRate90d --change-above 2 --channel web
  $ retain alerts add --name "Revenue swing" --metric revenue --change-above 10%
  $ retain alerts check --json

Metrics: the keys of retain kpis --json, and cohortMonth1 (month-1 retention of the latest complete
cohort, against the mean of the six before it). --above/--below take the figure's unit (0.3, or 30%
for a share); --change-above takes points (percentage points for shares) or a percentage ("10%") of
the previous value, either way. A breach fires once per rule and period; webhooks must be on a host
allowed by RETAIN_WEBHOOK_HOSTS or the Alerts page's settings.`,
    );

  alerts
    .command('add')
    .description('Add an alert rule; prints its figure now and whether it would fire.')
    .requiredOption('--name <name>', 'what the alert is called in messages')
    .requiredOption('--metric <metric>', 'a KPI key of retain kpis --json, or cohortMonth1')
    .option('--above <x>', 'fire when the figure is above x')
    .option('--below <x>', 'fire when the figure is below x')
    .option(
      '--change-above <x>',
      'fire when the change against the previous period is larger than x points or x%',
    )
    .option('--channel <channel>', 'only customers whose first order came through this channel')
    .option('--region <region>', 'only customers whose first order was in this region')
    .option('--webhook <url>', 'post the alert here (repeatable)', collect, [])
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print the rule as JSON')
    .action(async (flags: AddFlags) => {
      const { addAlertRule, describeAlertRule, figureText, parseThresholdText, previewAlertRule } =
        await import('@retain/alerts');
      const { alertMetricSchema } = await import('@retain/schemas');
      const given = (
        [
          ['above', '--above', flags.above],
          ['below', '--below', flags.below],
          ['changeAbove', '--change-above', flags.changeAbove],
        ] as const
      ).filter(([, , value]) => value !== undefined);
      if (given.length !== 1)
        throw new UsageError('give exactly one condition: --above X, --below X or --change-above X');
      const [condition, flag, raw] = given[0] as [AlertCondition, string, string];
      const metric = alertMetricSchema.safeParse(flags.metric);
      if (!metric.success)
        throw new UsageError(`--metric: ${metric.error.issues[0]?.message ?? 'unknown metric'}`);
      const { threshold, changeUnit } = parseThresholdText(metric.data, condition, raw, flag);
      const settings = await alertEnv();
      const { rule, now, currency } = await withWarehouse(flags.db, async (w) => {
        // The figure first: a rule whose figure cannot be read is not saved either.
        const input = {
          name: flags.name,
          metric: metric.data,
          condition,
          threshold,
          changeUnit,
          channel: flags.channel ?? null,
          region: flags.region ?? null,
          webhooks: flags.webhook,
        };
        const preview = await previewAlertRule(w, input, { env: settings, currency: env.currency ?? null });
        const added = await addAlertRule(w, input, { env: settings, createdBy: null });
        await auditFromCli(w, 'alert-rule-add', {
          ruleId: added.ruleId,
          name: added.name,
          metric: added.metric,
        });
        const { dataCurrency } = await import('@retain/warehouse');
        return {
          rule: added,
          now: preview.now,
          currency: (await dataCurrency(w, env.currency ?? null)).code,
        };
      });
      if (flags.json) console.log(JSON.stringify({ ...rule, now }));
      else {
        console.log(
          `Added alert rule ${rule.ruleId} “${rule.name}”: ${describeAlertRule(rule, figureText(currency))}.`,
        );
        console.log(
          `Now: ${now.message}${now.value === null ? '' : now.breached ? ' — it would fire.' : ' — it would not fire.'}`,
        );
      }
    });

  alerts
    .command('list')
    .description('List alert rules.')
    .option('--db <path>', 'database file')
    .option('--json', 'print as JSON')
    .action(async (flags: Flags) => {
      const { describeAlertRule, figureText, listAlertRules } = await import('@retain/alerts');
      const { dataCurrency } = await import('@retain/warehouse');
      const [rules, currency] = await withWarehouse(
        flags.db,
        async (w) => [await listAlertRules(w), await dataCurrency(w, env.currency ?? null)] as const,
      );
      const text = figureText(currency.code);
      if (flags.json) console.log(JSON.stringify({ rules }, null, 2));
      else if (rules.length === 0)
        console.log('No alert rules yet. Add one: retain alerts add --name … --metric … --above …');
      else
        console.log(
          renderTable(
            ['id', 'name', 'condition', 'webhooks', 'state'],
            rules.map((r) => [
              r.ruleId,
              r.name,
              describeAlertRule(r, text),
              String(r.webhooks.length),
              r.firing ? 'firing' : 'ok',
            ]),
          ),
        );
    });

  alerts
    .command('remove <id>')
    .description('Remove an alert rule (its history stays).')
    .option('--db <path>', 'database file')
    .action(async (id: string, flags: Flags) => {
      const { removeAlertRule } = await import('@retain/alerts');
      const removed = await withWarehouse(flags.db, async (w) => {
        const rule = await removeAlertRule(w, id);
        await auditFromCli(w, 'alert-rule-remove', { ruleId: rule.ruleId, name: rule.name });
        return rule;
      });
      console.log(`Removed alert rule ${removed.ruleId} “${removed.name}”.`);
    });

  alerts
    .command('check')
    .description('Check every rule now and send what fired or recovered (for a system cron).')
    .option('--db <path>', 'database file')
    .option('--json', 'print {checked, fired, recovered} as JSON')
    .action(async (flags: Flags) => {
      const { checkAlerts } = await import('@retain/alerts');
      const settings = await alertEnv();
      const result = await withWarehouse(flags.db, (w) =>
        checkAlerts(w, { env: settings, trigger: 'retain alerts check', currency: env.currency ?? null }),
      );
      console.log(flags.json ? JSON.stringify(result) : renderCheck(result));
      if ([...result.fired, ...result.recovered].some((e) => !e.delivered))
        console.error(
          'warning: some webhooks did not accept the message; the Alerts page lists failed deliveries.',
        );
    });
}

function renderCheck(result: AlertCheck): string {
  const line = (verb: string) => (e: AlertCheckEntry) =>
    `  ${verb} ${e.ruleId} “${e.name}”: ${e.message}${e.delivered ? '' : ' (not delivered to every webhook)'}`;
  return [
    `Checked ${result.checked} rule${result.checked === 1 ? '' : 's'}: ${result.fired.length} fired, ${result.recovered.length} recovered.`,
    ...result.fired.map(line('fired')),
    ...result.recovered.map(line('recovered')),
  ].join('\n');
}

/**
 * The check that follows a load from the command line (`retain ingest`, `retain demo --ingest`):
 * run when the load changed the data and there are rules; one line on stderr says what it did.
 */
export async function checkAlertsAfterCliLoad(warehouse: Warehouse): Promise<void> {
  const { checkAlertsAfterLoad } = await import('@retain/alerts');
  const result = await checkAlertsAfterLoad(warehouse, {
    env: await alertEnv(),
    currency: env.currency ?? null,
  });
  if (!result) return;
  console.error(
    `alerts: checked ${result.checked} rule${result.checked === 1 ? '' : 's'} after the load: ${result.fired.length} fired, ${result.recovered.length} recovered.`,
  );
}
