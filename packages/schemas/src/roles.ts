/*
 * Roles and who may call each API procedure, as plain constants kept apart from the zod schemas
 * (access.ts) so that the dashboard can import them without bundling zod. The server enforces
 * PROCEDURE_ROLES for every call (ACCESS in apps/api); the dashboard reads the same table to show
 * only the pages and actions a viewer's role can use.
 */

export const ROLES = ['admin', 'executive', 'analyst', 'retention'] as const;
export type Role = (typeof ROLES)[number];

/** Names, emails and phone numbers are for the people who call customers, and admins. */
export function canSeePersonalData(role: Role): boolean {
  return role === 'admin' || role === 'retention';
}

const ALL = ROLES;
const ADMIN = ['admin'] as const satisfies readonly Role[];
const ANALYSTS = ['admin', 'analyst'] as const satisfies readonly Role[];
const CALLERS = ['admin', 'retention'] as const satisfies readonly Role[];
const SCORES = ['admin', 'retention', 'analyst'] as const satisfies readonly Role[];

/** Sign-in itself: open to everyone. */
export const PUBLIC_PROCEDURES = ['auth.login', 'auth.logout', 'auth.me'] as const;

/**
 * The roles that may call each procedure. A procedure missing here (and from PUBLIC_PROCEDURES) is
 * refused to everyone, and a test fails until it gets a rule.
 *
 * - admin: everything.
 * - executive: aggregates and pages without personal fields (overview, cohorts, repeat, impact, model).
 * - analyst: cohorts and analytics, the model, and SQL over views with personal fields masked.
 * - retention: at-risk lists with names and phone numbers, call outcomes, scores.
 */
export const PROCEDURE_ROLES = {
  'info.get': ALL,
  'filters.values': ALL,

  'overview.kpis': ALL,
  'cohorts.matrix': ALL,
  'cohorts.curves': ALL,
  'cohorts.trend': ALL,
  // The drill-down lists customer ids with order figures: no names, emails or phones.
  'cohorts.customers': ALL,
  'repeat.summary': ALL,
  'impact.summary': ALL,

  'model.list': ALL,
  'model.status': ALL,
  'model.evaluation': ALL,
  'model.progress': ALL,
  'model.train': ANALYSTS,

  // Scores carry no personal fields; scores.customer hides name, email and phone from analysts.
  'scores.list': SCORES,
  'scores.customer': SCORES,

  // Call lists: names and phone numbers, for the people who call.
  'atRisk.list': CALLERS,
  'atRisk.export': CALLERS,
  'atRisk.recordOutcome': CALLERS,
  'atRisk.outcomes': CALLERS,

  // The program's measured effect: counts and rates over lists, no one's personal data.
  'program.lists': ALL,
  'program.report': ALL,
  'program.uplift': ALL,

  'data.inspect': ADMIN,
  'data.ingest': ADMIN,
  'data.progress': ADMIN,

  'query.run': ANALYSTS,
  'query.schema': ANALYSTS,
  'query.example': ANALYSTS,
  'query.saved': ANALYSTS,
  'query.save': ANALYSTS,
  'query.remove': ANALYSTS,

  'users.list': ADMIN,
  'users.add': ADMIN,
  'users.remove': ADMIN,
  'users.resetPassword': ADMIN,

  'audit.list': ADMIN,

  // Alerts: anyone signed in keeps rules on the figures they see (webhooks only to allowed hosts);
  // checking on demand, deliveries and the allowed hosts are for admins.
  'alerts.rules': ALL,
  'alerts.preview': ALL,
  'alerts.add': ALL,
  'alerts.remove': ALL,
  'alerts.history': ALL,
  'alerts.unread': ALL,
  'alerts.markRead': ALL,
  // The executive report: the overview's aggregates and the cohort heatmap, no one's personal data.
  'alerts.reportFormats': ALL,
  'alerts.report': ALL,
  'alerts.check': ADMIN,
  'alerts.failedDeliveries': ADMIN,
  'alerts.resend': ADMIN,
  'alerts.settings': ADMIN,
  'alerts.updateSettings': ADMIN,
  'alerts.rotateSecret': ADMIN,
} as const satisfies Record<string, readonly Role[]>;
export type Procedure = keyof typeof PROCEDURE_ROLES;
