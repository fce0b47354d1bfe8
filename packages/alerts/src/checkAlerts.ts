import { appendAudit } from '@retain/access';
import {
  ALERT_METRIC_INFO,
  type AlertCheck,
  type AlertCheckEntry,
  type AlertEvaluation,
  type AlertRule,
} from '@retain/schemas';
import { dataCurrency, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import type { AlertEnvironment } from './alertSettings.ts';
import { evaluateRule } from './evaluateRule.ts';
import { figureText } from './figureText.ts';
import { figureOf, readScopeFigures } from './readFigures.ts';
import { listAlertRules } from './ruleStore.ts';
import { ensureAlertTables } from './sql/alertTables.ts';
import { readSettingRows, writeSetting } from './sql/settingsSql.ts';
import {
  bodyFor,
  DEFAULT_RETRY,
  deliverPending,
  insertDelivery,
  type RetryPolicy,
} from './webhookDelivery.ts';

export interface CheckOptions {
  env: AlertEnvironment;
  /** Why the check runs, kept in the audit log: "retain alerts check", "schedule", "load". */
  trigger: string;
  /** Who started it, for the audit log (null: the command line or the server itself). */
  username?: string | null;
  /** RETAIN_CURRENCY, which wins over the data's currency in messages. */
  currency?: string | null;
  retry?: RetryPolicy;
}

/** One check at a time per warehouse: the scheduler and a load may ask at once. */
const running = new WeakMap<Warehouse, Promise<unknown>>();

function serialised<T>(warehouse: Warehouse, task: () => Promise<T>): Promise<T> {
  const before = running.get(warehouse) ?? Promise.resolve();
  const next = before.then(task, task);
  running.set(
    warehouse,
    next.catch(() => undefined),
  );
  return next;
}

interface NewEvent {
  eventId: number;
  kind: 'fired' | 'recovered';
  rule: AlertRule;
  evaluation: AlertEvaluation & { value: number; period: string };
  deliveryIds: number[];
}

/**
 * Checks every rule against the data as it is now. A breach is recorded once per rule and period
 * (the KPIs' as-of day, or the cohort's month), together with its webhook deliveries, in one
 * transaction before anything is sent: a check repeated, or run again after a restart, finds the
 * firing recorded and sends nothing twice, while deliveries left waiting are sent. A rule that was
 * firing and no longer breaches records one recovery. Every firing and recovery goes to the audit log.
 */
export function checkAlerts(warehouse: Warehouse, options: CheckOptions): Promise<AlertCheck> {
  return serialised(warehouse, () => runCheck(warehouse, options));
}

async function runCheck(warehouse: Warehouse, options: CheckOptions): Promise<AlertCheck> {
  await ensureAlertTables(warehouse);
  const rules = await listAlertRules(warehouse);
  const dataVersion = await warehouse.dataVersion();
  const events: NewEvent[] = [];
  if (rules.length > 0) {
    const figures = await readScopeFigures(warehouse, rules);
    const currency = await dataCurrency(warehouse, options.currency ?? null);
    const text = figureText(currency.code);
    const evaluated = rules.map((rule) => ({
      rule,
      evaluation: evaluateRule(rule, figureOf(rule.metric, figures(rule)), text),
    }));
    events.push(...(await recordEvents(warehouse, evaluated, dataVersion)));
  }
  await noteChecked(warehouse, dataVersion);
  for (const event of events) {
    await appendAudit(warehouse, {
      username: options.username ?? null,
      action: event.kind === 'fired' ? 'alert-fired' : 'alert-recovered',
      detail: {
        ruleId: event.rule.ruleId,
        name: event.rule.name,
        metric: event.rule.metric,
        period: event.evaluation.period,
        value: event.evaluation.value,
        threshold: event.rule.threshold,
        trigger: options.trigger,
      },
    });
  }
  const outcome = await deliverPending(warehouse, options.env, options.retry ?? DEFAULT_RETRY);
  const entry = (event: NewEvent): AlertCheckEntry => ({
    ruleId: event.rule.ruleId,
    name: event.rule.name,
    metric: event.rule.metric,
    period: event.evaluation.period,
    value: event.evaluation.value,
    threshold: event.rule.threshold,
    message: event.evaluation.message,
    delivered: event.deliveryIds.every((id) => outcome.get(id) === true),
  });
  return {
    checked: rules.length,
    fired: events.filter((e) => e.kind === 'fired').map(entry),
    recovered: events.filter((e) => e.kind === 'recovered').map(entry),
    dataVersion,
    trigger: options.trigger,
  };
}

/** The body of an alert's webhook: the message line and every field a receiver may want. */
function alertMessage(kind: 'fired' | 'recovered', rule: AlertRule, e: AlertEvaluation, dataVersion: number) {
  const label = ALERT_METRIC_INFO[rule.metric].label;
  return {
    text:
      kind === 'fired'
        ? `Retain alert “${rule.name}”: ${e.message}.`
        : `Retain alert “${rule.name}” recovered: ${e.message}.`,
    event: kind === 'fired' ? 'alert.fired' : 'alert.recovered',
    alert: {
      ruleId: rule.ruleId,
      name: rule.name,
      metric: rule.metric,
      label,
      condition: rule.condition,
      threshold: rule.threshold,
      changeUnit: rule.changeUnit,
      channel: rule.channel,
      region: rule.region,
    },
    period: e.period,
    value: e.value,
    current: e.current,
    previous: e.previous,
    message: e.message,
    dataVersion,
  };
}

async function recordEvents(
  warehouse: Warehouse,
  evaluated: Array<{ rule: AlertRule; evaluation: AlertEvaluation }>,
  dataVersion: number,
): Promise<NewEvent[]> {
  return warehouse.transaction(async (db) => {
    const events: NewEvent[] = [];
    // Read once what is recorded, so that a check that finds nothing new writes nothing: a
    // statement per rule would cost more than reading the figures.
    const firing = new Set(
      (await db.query(sql`SELECT rule_id FROM alert_state WHERE firing`, STATE_ROW)).map((r) => r.rule_id),
    );
    const periods = [
      ...new Set(evaluated.map((e) => e.evaluation.period).filter((p): p is string => p !== null)),
    ];
    const sent = new Set(
      periods.length === 0
        ? []
        : (
            await db.query(
              sql`SELECT rule_id, period FROM alert_events
                  WHERE kind = 'fired' AND period IN (${sql.join(periods.map((p) => sql`${p}`))})`,
              SENT_ROW,
            )
          ).map((r) => `${r.rule_id}\u0000${r.period}`),
    );
    for (const { rule, evaluation } of evaluated) {
      const { value, period } = evaluation;
      if (value === null || period === null) continue;
      let kind: 'fired' | 'recovered' | null = null;
      if (evaluation.breached) {
        if (!firing.has(rule.ruleId))
          await db.run(
            sql`INSERT INTO alert_state (rule_id, firing, since_period) VALUES (${rule.ruleId}, true, ${period})
                ON CONFLICT (rule_id) DO UPDATE SET firing = true, since_period = excluded.since_period`,
          );
        // Already recorded for this period: this breach has been sent.
        if (sent.has(`${rule.ruleId}\u0000${period}`)) continue;
        kind = 'fired';
      } else if (firing.has(rule.ruleId)) {
        await db.run(sql`UPDATE alert_state SET firing = false WHERE rule_id = ${rule.ruleId}`);
        kind = 'recovered';
      }
      if (kind === null) continue;
      const eventId = await db.scalar(
        sql`INSERT INTO alert_events (rule_id, rule_name, metric, kind, period, value, threshold, message, occurred_at, data_version)
            VALUES (${rule.ruleId}, ${rule.name}, ${rule.metric}, ${kind}, ${period}, ${value}, ${rule.threshold},
                    ${evaluation.message}, CAST(now() AS TIMESTAMP), ${dataVersion})
            ON CONFLICT DO NOTHING RETURNING event_id`,
        EVENT_ID,
      );
      // Already recorded for this period: this breach has been sent.
      if (eventId === null) continue;
      const message = alertMessage(kind, rule, evaluation, dataVersion);
      const deliveryIds: number[] = [];
      for (const url of rule.webhooks) {
        deliveryIds.push(
          await insertDelivery(db, { eventId, subject: message.event, url, body: bodyFor(url, message) }),
        );
      }
      events.push({ eventId, kind, rule, evaluation: { ...evaluation, value, period }, deliveryIds });
    }
    return events;
  });
}

const EVENT_ID = z.union([z.number(), z.bigint()]).transform(Number).nullable();
const STATE_ROW = z.object({ rule_id: z.string() });
const SENT_ROW = z.object({ rule_id: z.string(), period: z.string() });

const CHECKED_KEY = 'checkedDataVersion';

async function noteChecked(warehouse: Warehouse, dataVersion: number): Promise<void> {
  await warehouse.write((db) => writeSetting(db, CHECKED_KEY, dataVersion));
}

/**
 * The check that follows a load: run when the data version has moved since the last check (a load
 * that changed nothing leaves it, and so checks nothing). Null when there was nothing to check.
 */
export async function checkAlertsAfterLoad(
  warehouse: Warehouse,
  options: Omit<CheckOptions, 'trigger'>,
): Promise<AlertCheck | null> {
  await ensureAlertTables(warehouse);
  const [settings, version] = await Promise.all([warehouse.read(readSettingRows), warehouse.dataVersion()]);
  if (settings[CHECKED_KEY] === version) return null;
  const rules = await listAlertRules(warehouse);
  if (rules.length === 0) {
    await noteChecked(warehouse, version);
    return null;
  }
  return checkAlerts(warehouse, { ...options, trigger: 'load' });
}
