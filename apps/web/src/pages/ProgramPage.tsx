import {
  type Effect,
  LOST_GAP_MULTIPLE,
  LOST_MIN_DAYS,
  LOST_SINGLE_ORDER_DAYS,
  type ProgramReport,
  type UpliftStatus,
} from '@retain/schemas';
import { useQuery } from '@tanstack/react-query';
import { ChartCard } from '../components/ChartCard.tsx';
import { PageHeader } from '../components/controls.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { LineChart } from '../components/LazyChart.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Stats } from '../components/Stats.tsx';
import { EmptyState, ErrorState, LoadingBlock } from '../components/states.tsx';
import {
  customersSavedText,
  DECILE_COLUMNS,
  decileRows,
  differenceText,
  PROGRAM_LIST_COLUMNS,
  QINI_SERIES,
  qiniRows,
  revenueSavedText,
  verdict,
} from '../data/programView.ts';
import { formatDay, formatInteger, formatPercent, formatPoints } from '../format.ts';
import { Link } from '../router/Link.tsx';
import { useTRPC } from '../trpc.ts';

const RETENTION_DEFINITION =
  'Retained: at least one order within the list’s horizon (90 days unless set otherwise) after its date, the day after it to the last day inclusive. Each list holds back a random share of its customers, chosen by a seeded draw of the list and customer ids; they are never called and never exported.';

/** Did the calls keep customers who would otherwise have left? Saved lists against their control groups. */
export default function ProgramPage() {
  const trpc = useTRPC();
  const report = useQuery(trpc.program.report.queryOptions({}));
  const uplift = useQuery(trpc.program.uplift.queryOptions());
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Retention program">
        <p className="muted">
          Every call list exported from <Link href="/at-risk">At risk</Link> is saved with a control group
          held back uncalled. Once a list’s horizon has passed, its called customers are compared with those
          held back: what the calls changed, not what the customers would have done anyway.
        </p>
      </PageHeader>
      {report.isError ? (
        <ErrorState
          error={report.error}
          retry={() => void report.refetch()}
          title="Could not measure the program"
        />
      ) : !report.data ? (
        <LoadingBlock label="Measuring the lists…" height={360} />
      ) : report.data.lists.length === 0 ? (
        <EmptyState title="No saved call lists yet">
          Export a call list from At risk: it is saved with 10 % of its customers held back, and measured here
          once its horizon has passed.
        </EmptyState>
      ) : (
        <ProgramReportView report={report.data} />
      )}
      {uplift.data ? <UpliftView status={uplift.data} /> : null}
      <section className="card" aria-labelledby="lost-rule" data-testid="lost-rule">
        <h2 id="lost-rule">Lost is not at risk</h2>
        <p className="muted">
          A customer with no order for more than {LOST_MIN_DAYS} days and for more than {LOST_GAP_MULTIPLE}{' '}
          times their usual gap between orders (a single order: more than {LOST_SINGLE_ORDER_DAYS} days) is
          lost: they go on the win-back list, and the at-risk list keeps the customers who can still be kept.
          Lists are ranked by what a call can save: value at risk × P(a call changes the outcome).
        </p>
      </section>
    </section>
  );
}

function effectItems(effect: Effect, prefix: string) {
  return [
    {
      label: 'Retained, called',
      value: formatPercent(effect.treatedRate),
      note: `${formatInteger(effect.treatedCustomers)} customers`,
      testId: `${prefix}-treated`,
      definition: RETENTION_DEFINITION,
    },
    {
      label: 'Retained, held back',
      value: formatPercent(effect.controlRate),
      note: `${formatInteger(effect.controlCustomers)} customers`,
      testId: `${prefix}-control`,
    },
    {
      label: 'Difference',
      value: formatPoints(effect.difference),
      note: `95 % interval ${formatPoints(effect.lower)} to ${formatPoints(effect.upper)}`,
      testId: `${prefix}-difference`,
      definition:
        'Retention of the called less that of the held back, in percentage points, with Newcombe’s 95 % interval per list; pooled: each list weighted by its customers to call.',
    },
    {
      label: 'Customers saved',
      value: formatInteger(effect.customersSaved),
      note: customersSavedText(effect),
      testId: `${prefix}-saved`,
      definition: 'The difference × the customers to call, with its interval.',
    },
    {
      label: 'Revenue saved',
      value: revenueSavedText(effect).split(' (')[0] ?? '',
      note: revenueSavedText(effect),
      testId: `${prefix}-revenue`,
      definition:
        'Revenue within the horizon per called customer less per held-back customer (Welch’s 95 % interval), × the customers to call.',
    },
  ];
}

function ProgramReportView({ report }: { report: ProgramReport }) {
  const measured = report.lists.filter((l) => l.status === 'measured').length;
  return (
    <>
      {report.pooled ? (
        <section className="card" aria-labelledby="pooled-title" data-testid="program-pooled">
          <h2 id="pooled-title">
            Pooled over {formatInteger(report.pooled.lists)} measured list
            {report.pooled.lists === 1 ? '' : 's'}: everyone on a list to call
          </h2>
          <p className="muted">
            Intention to treat: all customers put on a list to call, reached or not, against all those held
            back.
          </p>
          <Stats items={effectItems(report.pooled, 'pooled')} />
          <p data-testid="pooled-verdict">{verdict(report.pooled)}</p>
          {report.pooledContacted ? (
            <details data-testid="pooled-contacted">
              <summary>Only calls actually made: {differenceText(report.pooledContacted)}</summary>
              <p className="muted">
                Customers whose call was answered (a recorded outcome other than no answer), against the whole
                control group. Who answers is not random, so this view can flatter the calls; the figures
                above are the fair comparison.
              </p>
              <Stats items={effectItems(report.pooledContacted, 'contacted')} />
            </details>
          ) : null}
        </section>
      ) : (
        <p className="card muted" data-testid="program-none-measured">
          No list has been measured yet: the first can be once its horizon has passed.
        </p>
      )}
      <ChartCard
        title="Saved call lists"
        description={`${formatInteger(report.lists.length)} lists, ${formatInteger(measured)} measured; orders loaded up to ${formatDay(report.dataEnd)}.`}
        columns={PROGRAM_LIST_COLUMNS}
        rows={report.lists}
        testId="program-lists"
      >
        <ScrollRegion label="Saved call lists">
          <DataTable
            columns={PROGRAM_LIST_COLUMNS}
            rows={report.lists}
            rowKey={(l) => l.listId}
            caption="Saved call lists and their measured effect"
            testId="program-lists-table"
          />
        </ScrollRegion>
      </ChartCard>
    </>
  );
}

function UpliftView({ status }: { status: UpliftStatus }) {
  const evaluation = status.evaluation;
  return (
    <ChartCard
      title="Who to call first: the uplift model"
      description={
        status.source === 'uplift-model'
          ? `P(a call changes the outcome) is estimated per customer by a two-model uplift estimate fitted on ${formatInteger(status.maturedLists)} matured lists with control groups (fitted ${formatDay(status.fittedAt)}). Judged out of time: fitted on the earlier lists, tested on the latest.`
          : `P(a call changes the outcome) is the prior of ${formatPercent(status.prior)} for everyone until ${status.minLists} lists with control groups have matured, with ${formatInteger(status.minControl)} control customers between them (now ${status.maturedLists} lists, ${formatInteger(status.controlCustomers)}).`
      }
      {...(evaluation ? { columns: DECILE_COLUMNS, rows: decileRows(evaluation) } : {})}
      testId="program-uplift"
    >
      {evaluation ? (
        <>
          <LineChart
            title="Qini curves: extra customers retained against the share called"
            data={qiniRows(evaluation)}
            series={QINI_SERIES}
            xKey="share"
            xType="number"
            xFormat={(v) => `${v} % called`}
            yFormat={(v) => formatPercent(v)}
            xLabel="Share of customers called, best-ranked first"
            yLabel="Extra retained (share of all)"
            dots={false}
            height={280}
          />
          <ScrollRegion label="Uplift at the top deciles">
            <DataTable
              columns={DECILE_COLUMNS}
              rows={decileRows(evaluation)}
              rowKey={(r) => r.ranking}
              caption="Qini coefficient and uplift at the top deciles, by ranking"
              testId="program-deciles"
            />
          </ScrollRegion>
          <p className="muted">
            Tested on {formatInteger(evaluation.testCustomers)} customers of {evaluation.testLists.join(', ')}
            ; fitted on {formatInteger(evaluation.trainCustomers)} of{' '}
            {formatInteger(evaluation.trainLists.length)} earlier lists. A higher curve finds the customers a
            call helps sooner; ranking by churn probability puts the long-lapsed first, whom a call no longer
            helps.
          </p>
        </>
      ) : (
        <p className="muted" data-testid="uplift-prior">
          Until then the lists are ranked by value at risk × {formatPercent(status.prior)}.
        </p>
      )}
    </ChartCard>
  );
}
