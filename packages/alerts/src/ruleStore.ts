import { randomBytes } from 'node:crypto';
import {
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleSpec,
  alertRuleInputSchema,
  alertRuleSchema,
} from '@retain/schemas';
import { type Sql, sql, unknownValues, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { type AlertEnvironment, allowedWebhookHosts } from './alertSettings.ts';
import { AlertInputError } from './errors.ts';
import { ensureAlertTables } from './sql/alertTables.ts';
import { checkWebhookUrl } from './webhookHosts.ts';

/** Checks a rule as a user gave it: every field, webhook hosts against the allowed list, known filter values. */
export async function validateAlertRule(
  warehouse: Warehouse,
  input: AlertRuleInput,
  env: AlertEnvironment,
): Promise<AlertRuleSpec> {
  const parsed = alertRuleInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'rule');
    throw new AlertInputError(field, `${field}: ${issue?.message ?? 'invalid'}`);
  }
  const rule = parsed.data;
  if (rule.condition !== 'changeAbove' && rule.changeUnit) {
    throw new AlertInputError('changeUnit', 'changeUnit: applies to a change rule only (changeAbove)');
  }
  const allowed = await allowedWebhookHosts(warehouse, env);
  const webhooks = rule.webhooks.map((url) => checkWebhookUrl(url, allowed, 'webhook').toString());
  for (const field of ['channel', 'region'] as const) {
    const value = rule[field];
    if (value === null) continue;
    const { unknown, known } = await unknownValues(warehouse, field, [value]);
    if (unknown.length > 0) {
      const some = known.slice(0, 8).join(', ');
      throw new AlertInputError(
        field,
        `${field}: no order has ${field} "${value}"${some ? ` (${field}s in the data: ${some}${known.length > 8 ? ', …' : ''})` : ''}`,
      );
    }
  }
  return {
    ...rule,
    changeUnit: rule.condition === 'changeAbove' ? (rule.changeUnit ?? 'points') : null,
    webhooks: [...new Set(webhooks)],
  };
}

const RULE_ROW = z.object({
  rule_id: z.string(),
  name: z.string(),
  metric: z.string(),
  condition: z.string(),
  threshold: z.number(),
  change_unit: z.string().nullable(),
  channel: z.string().nullable(),
  region: z.string().nullable(),
  webhooks: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  firing: z.boolean(),
});

function toRule(row: z.output<typeof RULE_ROW>): AlertRule {
  return alertRuleSchema.parse({
    ruleId: row.rule_id,
    name: row.name,
    metric: row.metric,
    condition: row.condition,
    threshold: row.threshold,
    changeUnit: row.change_unit,
    channel: row.channel,
    region: row.region,
    webhooks: JSON.parse(row.webhooks),
    createdBy: row.created_by,
    createdAt: row.created_at,
    firing: row.firing,
  });
}

const selectRules = (where: Sql) => sql`
  SELECT r.rule_id, r.name, r.metric, r.condition, r.threshold, r.change_unit, r.channel, r.region,
         CAST(r.webhooks AS VARCHAR) AS webhooks, r.created_by, CAST(r.created_at AS VARCHAR) AS created_at,
         coalesce(s.firing, false) AS firing
  FROM alert_rules r LEFT JOIN alert_state s ON s.rule_id = r.rule_id
  ${where}
  ORDER BY r.created_at, r.rule_id`;

/** Saves a rule after `validateAlertRule`; nothing is saved when a field is refused. */
export async function addAlertRule(
  warehouse: Warehouse,
  input: AlertRuleInput,
  options: { env: AlertEnvironment; createdBy: string | null },
): Promise<AlertRule> {
  await ensureAlertTables(warehouse);
  const rule = await validateAlertRule(warehouse, input, options.env);
  const ruleId = randomBytes(4).toString('hex');
  return warehouse.transaction(async (db) => {
    await db.run(
      sql`INSERT INTO alert_rules (rule_id, name, metric, condition, threshold, change_unit, channel, region, webhooks, created_by, created_at)
          VALUES (${ruleId}, ${rule.name}, ${rule.metric}, ${rule.condition}, ${rule.threshold}, ${rule.changeUnit ?? null},
                  ${rule.channel}, ${rule.region}, ${JSON.stringify(rule.webhooks)}, ${options.createdBy}, CAST(now() AS TIMESTAMP))`,
    );
    const row = await db.first(selectRules(sql`WHERE r.rule_id = ${ruleId}`), RULE_ROW);
    if (!row) throw new Error('the rule just saved is missing');
    return toRule(row);
  });
}

export async function listAlertRules(warehouse: Warehouse): Promise<AlertRule[]> {
  await ensureAlertTables(warehouse);
  return (await warehouse.query(selectRules(sql.empty), RULE_ROW)).map(toRule);
}

/** Removes a rule (its history stays); refuses an id that names no rule. */
export async function removeAlertRule(warehouse: Warehouse, ruleId: string): Promise<AlertRule> {
  await ensureAlertTables(warehouse);
  return warehouse.transaction(async (db) => {
    const row = await db.first(selectRules(sql`WHERE r.rule_id = ${ruleId}`), RULE_ROW);
    if (!row)
      throw new AlertInputError(
        'id',
        `id: no alert rule ${JSON.stringify(ruleId)} (retain alerts list shows them)`,
      );
    await db.run(sql`DELETE FROM alert_state WHERE rule_id = ${ruleId}`);
    await db.run(sql`DELETE FROM alert_rules WHERE rule_id = ${ruleId}`);
    return toRule(row);
  });
}
