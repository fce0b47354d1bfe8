import { appendAudit } from '@retain/access';
import {
  addAlertRule,
  alertHistory,
  alertSettings,
  checkAlerts,
  failedDeliveries,
  listAlertRules,
  makeReportDocument,
  markAlertsRead,
  previewAlertRule,
  removeAlertRule,
  reportFormats,
  resendDelivery,
  rotateWebhookSecret,
  unreadAlertCount,
  updateAlertSettings,
} from '@retain/alerts';
import { alertRuleInputSchema, alertSettingsInputSchema } from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { procedure } from '../trpc.ts';

/*
 * Alert rules, their history and the admin's delivery settings. Rules are validated by the package
 * (field by field, webhook hosts against the allowed list); a refusal names its field.
 */

const audit = (ctx: ApiContext, action: string, detail: Record<string, unknown>) =>
  appendAudit(ctx.warehouse, { username: ctx.viewer?.username ?? null, action, detail });

const who = (ctx: ApiContext) => ctx.viewer?.username ?? 'local';

export const alertsRouter = {
  rules: procedure.query(({ ctx }) => listAlertRules(ctx.warehouse)),

  /** The rule's figure now and whether it would fire, without saving it. */
  preview: procedure
    .input(alertRuleInputSchema)
    .query(({ ctx, input }) =>
      previewAlertRule(ctx.warehouse, input, { env: ctx.alertEnv, currency: ctx.currency ?? null }),
    ),

  add: procedure.input(alertRuleInputSchema).mutation(async ({ ctx, input }) => {
    const rule = await addAlertRule(ctx.warehouse, input, {
      env: ctx.alertEnv,
      createdBy: ctx.viewer?.username ?? null,
    });
    await audit(ctx, 'alert-rule-add', { ruleId: rule.ruleId, name: rule.name, metric: rule.metric });
    return rule;
  }),

  remove: procedure
    .input(z.object({ ruleId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const rule = await removeAlertRule(ctx.warehouse, input.ruleId);
      await audit(ctx, 'alert-rule-remove', { ruleId: rule.ruleId, name: rule.name });
      return { ok: true };
    }),

  history: procedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).prefault({}))
    .query(({ ctx, input }) => alertHistory(ctx.warehouse, { limit: input.limit })),

  /** Firings and recoveries the viewer has not seen: the count beside Alerts in the navigation. */
  unread: procedure.query(async ({ ctx }) => ({ count: await unreadAlertCount(ctx.warehouse, who(ctx)) })),

  markRead: procedure.mutation(async ({ ctx }) => {
    await markAlertsRead(ctx.warehouse, who(ctx));
    return { ok: true };
  }),

  /** The report formats the server can make: PDF only where Chromium is installed. */
  reportFormats: procedure.query(({ ctx }) => reportFormats(ctx.alertEnv.chromium)),

  /**
   * The executive report made now, as `retain report` writes it, for the dashboard to download
   * (tRPC answers in JSON, so the file travels as base64). Audited as an export of the report.
   */
  report: procedure
    .input(z.object({ format: z.enum(['html', 'pdf']).default('html') }).prefault({}))
    .mutation(async ({ ctx, input }) => {
      const report = await makeReportDocument(ctx.warehouse, input.format, {
        currency: ctx.currency ?? null,
        chromium: ctx.alertEnv.chromium,
      });
      await audit(ctx, 'export', {
        export: 'report',
        format: report.format,
        asOf: report.asOf,
        dataVersion: report.dataVersion,
      });
      return {
        filename: report.filename,
        contentType: report.contentType,
        base64: report.content.toString('base64'),
        asOf: report.asOf,
        dataVersion: report.dataVersion,
      };
    }),

  check: procedure.mutation(({ ctx }) =>
    checkAlerts(ctx.warehouse, {
      env: ctx.alertEnv,
      trigger: 'dashboard',
      username: ctx.viewer?.username ?? null,
      currency: ctx.currency ?? null,
    }),
  ),

  failedDeliveries: procedure.query(({ ctx }) => failedDeliveries(ctx.warehouse)),

  resend: procedure
    .input(z.object({ deliveryId: z.number().int().min(1) }))
    .mutation(async ({ ctx, input }) => ({
      delivered: await resendDelivery(ctx.warehouse, input.deliveryId, ctx.alertEnv),
    })),

  settings: procedure.query(({ ctx }) => alertSettings(ctx.warehouse, ctx.alertEnv)),

  updateSettings: procedure.input(alertSettingsInputSchema).mutation(async ({ ctx, input }) => {
    const settings = await updateAlertSettings(ctx.warehouse, input, ctx.alertEnv);
    await audit(ctx, 'alert-settings', { ...settings });
    await ctx.alertScheduler?.start();
    return settings;
  }),

  /** A new signing secret, shown once; receivers must be given it. */
  rotateSecret: procedure.mutation(async ({ ctx }) => {
    const secret = await rotateWebhookSecret(ctx.warehouse);
    await audit(ctx, 'alert-secret-rotate', {});
    return { secret };
  }),
} satisfies TRPCRouterRecord;
