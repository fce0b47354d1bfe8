export {
  ALERT_ENV_VARIABLES,
  type AlertEnvironmentSettings,
  parseAlertEnvironment,
} from './alertEnvironment.ts';
export { alertHistory, markAlertsRead, unreadAlertCount } from './alertHistory.ts';
export { AlertScheduler, type SchedulerOptions } from './alertScheduler.ts';
export {
  type AlertEnvironment,
  alertSettings,
  allowedWebhookHosts,
  checkCron,
  NO_ALERT_ENVIRONMENT,
  rotateWebhookSecret,
  updateAlertSettings,
  webhookSecret,
} from './alertSettings.ts';
export { type CheckOptions, checkAlerts, checkAlertsAfterLoad } from './checkAlerts.ts';
export { AlertInputError } from './errors.ts';
export { describeAlertRule, evaluateRule, type Figure } from './evaluateRule.ts';
export { figureText } from './figureText.ts';
export { evaluateNow, previewAlertRule } from './previewAlertRule.ts';
export { cohortMonth1, figureOf, readScopeFigures } from './readFigures.ts';
export { renderReportHtml } from './report/renderReportHtml.ts';
export { type ReportData, reportData, type TrendPoint, trendDays } from './report/reportData.ts';
export {
  makeReportDocument,
  type ReportDocument,
  type ReportFormat,
  reportFormats,
} from './report/reportDocument.ts';
export { cohortHeatmapSvg, trendSvg } from './report/svgCharts.ts';
export {
  CHROMIUM_CANDIDATES,
  findChromium,
  type ReportOptions,
  runScheduledReport,
  type WrittenReport,
  writeReport,
} from './report/writeReport.ts';
export { addAlertRule, listAlertRules, removeAlertRule, validateAlertRule } from './ruleStore.ts';
export { parseThresholdText } from './thresholdText.ts';
export {
  DEFAULT_RETRY,
  DELIVERY_HEADER,
  deliverPending,
  failedDeliveries,
  type RetryPolicy,
  resendDelivery,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './webhookDelivery.ts';
export { checkWebhookUrl, isInternalAddress, parseHostEntry, parseHostList } from './webhookHosts.ts';
