import type { Warehouse } from '@retain/warehouse';
import { Cron } from 'croner';
import { type AlertEnvironment, alertSettings } from './alertSettings.ts';
import { checkAlerts, checkAlertsAfterLoad } from './checkAlerts.ts';
import { runScheduledReport } from './report/writeReport.ts';
import type { RetryPolicy } from './webhookDelivery.ts';

export interface SchedulerOptions {
  env: AlertEnvironment;
  currency?: string | null;
  chromium?: string | undefined;
  retry?: RetryPolicy;
  /** A line for the server's log per check or report that did something, and per failure. */
  log: (line: string) => void;
  /** How often the data version is compared with the last checked one (ms). */
  loadPollMs?: number;
}

/**
 * The server's clock for alerts: rule checks and the executive report on their cron schedules (UTC),
 * and a check after every load that changed the data, however it was loaded (the dashboard's Data
 * page, a demo load at start-up): the data version the last check saw is compared with the
 * warehouse's every few seconds, which costs no query (the server is the database's only writer).
 */
export class AlertScheduler {
  private jobs: Cron[] = [];
  private poll: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly warehouse: Warehouse,
    private readonly options: SchedulerOptions,
  ) {}

  /** Starts (or restarts, after the schedules changed) the jobs. */
  async start(): Promise<void> {
    this.stopJobs();
    this.stopped = false;
    const settings = await alertSettings(this.warehouse, this.options.env);
    const { log } = this.options;
    this.jobs = [
      new Cron(settings.checkSchedule, { timezone: 'UTC', protect: true }, () => {
        void this.run('scheduled check', () => this.check('schedule'));
      }),
      new Cron(settings.reportSchedule, { timezone: 'UTC', protect: true }, () => {
        void this.run('scheduled report', async () => {
          const done = await runScheduledReport(this.warehouse, this.options.env, this.options);
          if (done.file) log(`[alerts] report written to ${done.file}`);
          if (done.posted !== null)
            log(`[alerts] report ${done.posted ? 'posted' : 'could not be posted (see failed deliveries)'}`);
        });
      }),
    ];
    this.poll = setInterval(
      () => void this.run('check after a load', () => this.afterLoad()),
      this.options.loadPollMs ?? 5_000,
    );
    this.poll.unref();
    log(
      `[alerts] rules are checked after each load and at "${settings.checkSchedule}" (cron, UTC); the report is made at "${settings.reportSchedule}"${settings.reportFolder || settings.reportWebhook ? '' : ' once a folder or webhook is set for it'}`,
    );
    // Not awaited: a first check may wait for the analytics tables, and the server answers meanwhile.
    void this.run('check after a load', () => this.afterLoad());
  }

  /** When the next check and report run. */
  next(): { check: Date | null; report: Date | null } {
    return { check: this.jobs[0]?.nextRun() ?? null, report: this.jobs[1]?.nextRun() ?? null };
  }

  stop(): void {
    this.stopped = true;
    this.stopJobs();
  }

  private stopJobs(): void {
    for (const job of this.jobs) job.stop();
    this.jobs = [];
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  private async afterLoad(): Promise<void> {
    const result = await checkAlertsAfterLoad(this.warehouse, this.checkOptions());
    if (result) this.logCheck(result.checked, result.fired.length, result.recovered.length, 'after a load');
  }

  private async check(trigger: string): Promise<void> {
    const result = await checkAlerts(this.warehouse, { ...this.checkOptions(), trigger });
    this.logCheck(result.checked, result.fired.length, result.recovered.length, 'on schedule');
  }

  private checkOptions() {
    return {
      env: this.options.env,
      currency: this.options.currency ?? null,
      ...(this.options.retry ? { retry: this.options.retry } : {}),
    };
  }

  private logCheck(checked: number, fired: number, recovered: number, when: string): void {
    if (fired + recovered === 0) return;
    this.options.log(
      `[alerts] checked ${checked} rule${checked === 1 ? '' : 's'} ${when}: ${fired} fired, ${recovered} recovered`,
    );
  }

  /** One job at a time; a failure is logged, never thrown into the timer. */
  private run(what: string, task: () => Promise<void>): Promise<unknown> {
    this.busy = this.busy.then(async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (error) {
        this.options.log(
          `[alerts] ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    });
    return this.busy;
  }
}
