import { readOptionalInt } from './searchState.ts';

/** The actions Retain writes to the audit log, with how the log page names them. */
export const AUDIT_ACTIONS = {
  login: 'Signed in',
  'login-failed': 'Failed sign-in',
  'user-add': 'Added a user',
  'user-remove': 'Removed a user',
  'password-reset': 'Reset a password',
  export: 'Exported data',
  sql: 'Ran SQL',
  ingest: 'Loaded data',
  train: 'Started training a model',
  'call-outcome': 'Recorded a call outcome',
  'alert-fired': 'An alert fired',
  'alert-recovered': 'An alert recovered',
  'alert-rule-add': 'Added an alert rule',
  'alert-rule-remove': 'Removed an alert rule',
  'alert-settings': 'Changed the alert settings',
  'alert-secret-rotate': 'Replaced the webhook secret',
} as const satisfies Record<string, string>;

/** What was exported (the detail's `export`), as an entry of the log names it. */
const EXPORT_LABELS = new Map([
  ['call-list', 'Exported a call list'],
  ['scores', 'Exported scores'],
  ['report', 'Downloaded the executive report'],
]);

export const AUDIT_PAGE_SIZE = 50;

export interface AuditInput {
  username?: string;
  action?: string;
  limit: number;
  beforeId?: number;
}

/** The log's filters and page in the URL: `user`, `action` and `before` (the id to page back from). */
export function auditInputFromSearch(search: URLSearchParams): AuditInput {
  const input: AuditInput = { limit: AUDIT_PAGE_SIZE };
  const username = search.get('user')?.trim();
  if (username) input.username = username;
  const action = search.get('action')?.trim();
  if (action) input.action = action;
  const before = readOptionalInt(search, 'before', { min: 1 });
  if (before !== undefined) input.beforeId = before;
  return input;
}

/**
 * How an entry's action reads: the action's name, made more precise by its detail where that says
 * more (which export; a load of demo data). Actions this version does not know read as written.
 */
export function auditActionLabel(action: string, detail: Record<string, unknown> = {}): string {
  const exportLabel = action === 'export' ? EXPORT_LABELS.get(String(detail.export)) : undefined;
  if (exportLabel) return exportLabel;
  if (action === 'ingest' && detail.demo) return 'Loaded demo data';
  return Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action as keyof typeof AUDIT_ACTIONS] : action;
}

const MAX_VALUE_CHARS = 160;

/** An entry's detail on one line: `key: value` pairs, nested values as JSON, long values cut short. */
export function auditDetailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const short = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
      return `${key}: ${short}`;
    })
    .join(' · ');
}
