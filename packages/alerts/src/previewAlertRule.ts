import type { AlertEvaluation, AlertRuleInput, AlertRuleSpec } from '@retain/schemas';
import { dataCurrency, type Warehouse } from '@retain/warehouse';
import type { AlertEnvironment } from './alertSettings.ts';
import { evaluateRule } from './evaluateRule.ts';
import { figureText } from './figureText.ts';
import { figureOf, readScopeFigures } from './readFigures.ts';
import { validateAlertRule } from './ruleStore.ts';

/**
 * What a rule would say now: its figure on the data as it is, and whether it would fire. The same
 * validation as saving, so a preview never shows a rule that could not be saved.
 */
export async function previewAlertRule(
  warehouse: Warehouse,
  input: AlertRuleInput,
  options: { env: AlertEnvironment; currency?: string | null },
): Promise<{ rule: AlertRuleSpec; now: AlertEvaluation }> {
  const rule = await validateAlertRule(warehouse, input, options.env);
  return { rule, now: await evaluateNow(warehouse, rule, options.currency ?? null) };
}

/** A rule's evaluation on the data as it is now (nothing recorded, nothing sent). */
export async function evaluateNow(
  warehouse: Warehouse,
  rule: Pick<AlertRuleSpec, 'metric' | 'condition' | 'threshold' | 'changeUnit' | 'channel' | 'region'>,
  currency: string | null,
): Promise<AlertEvaluation> {
  const figures = await readScopeFigures(warehouse, [rule]);
  const text = figureText((await dataCurrency(warehouse, currency)).code);
  return evaluateRule(rule, figureOf(rule.metric, figures(rule)), text);
}
