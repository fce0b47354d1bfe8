import {
  type CallListFilters,
  type CallListRow,
  LOST_GAP_MULTIPLE,
  LOST_MIN_DAYS,
  LOST_SINGLE_ORDER_DAYS,
  RFM_SEGMENTS,
} from '@retain/schemas';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { CustomerPanel } from '../components/CustomerPanel.tsx';
import { CountField, MultiSelect, NumberField, PageHeader, SelectField } from '../components/controls.tsx';
import { FirstModelState } from '../components/FirstModelState.tsx';
import { EmptyState, ErrorState, LoadingBlock } from '../components/states.tsx';
import { type VirtualColumn, VirtualTable } from '../components/VirtualTable.tsx';
import { apiErrorCode } from '../data/apiErrors.ts';
import {
  ALL_CALLS,
  CALL_LIST_PAGE_SIZE,
  COMPLAINT_OPTIONS,
  CONTACTED_OPTIONS,
  CONTROL_OPTIONS,
  callListViewFromSearch,
  LIST_OPTIONS,
  MAX_PROBABILITY_OPTIONS,
  PHONE_OPTIONS,
  PROBABILITY_OPTIONS,
  pagesCovering,
} from '../data/atRiskInputs.ts';
import { lastContactText, leftOutText } from '../data/callListText.ts';
import { formatDay, formatDayTime, formatInteger, formatMoney, formatPercent } from '../format.ts';
import { useCanCall } from '../hooks/useViewer.ts';
import { Link } from '../router/Link.tsx';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

/** Two lines a row: the customer's name, then their standing ("Champion, slipping"). */
const ROW_HEIGHT = 52;
const COLUMNS = '3.5rem minmax(11rem, 1.5fr) 4.5rem 7rem 6.5rem 7rem 4.5rem 6.5rem 9.5rem minmax(11rem, 2fr)';

const LOST_RULE = `Lost: no order for more than ${LOST_MIN_DAYS} days and for more than ${LOST_GAP_MULTIPLE} times their usual gap between orders (a single order: more than ${LOST_SINGLE_ORDER_DAYS} days).`;

/** Who to call tomorrow: scored customers who may be contacted, ranked by the value they put at risk. */
export default function AtRiskPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const { filters, errors, controlShare } = callListViewFromSearch(search);
  // A filter that cannot be meant is refused beside its field; no list is fetched meanwhile. A share
  // to hold back that cannot be meant only stops the export.
  const valid = Object.keys(errors).filter((key) => key !== 'controlShare').length === 0;
  const winBack = filters.kind === 'win-back';
  const first = useQuery({
    ...trpc.atRisk.list.queryOptions({ ...filters, offset: 0, limit: CALL_LIST_PAGE_SIZE }),
    enabled: valid,
  });
  // No scores yet (the first model is still training, or none has been): not an error to show.
  const noScores = apiErrorCode(first.error) === 'PRECONDITION_FAILED';
  const values = useQuery(trpc.filters.values.queryOptions());
  const exportList = useMutation(trpc.atRisk.export.mutationOptions());
  const canExport = useCanCall('atRisk.export');
  const selected = search.get('customer');

  const download = () =>
    exportList.mutate(
      { ...filters, bom: true, controlShare },
      {
        onSuccess: ({ url }) => {
          const link = document.createElement('a');
          link.href = url;
          link.download = '';
          document.body.append(link);
          link.click();
          link.remove();
        },
      },
    );

  const summary = first.data?.summary;
  return (
    <section aria-labelledby="page-title">
      <PageHeader
        title="At-risk customers"
        actions={
          canExport ? (
            <button
              type="button"
              className="primary"
              onClick={download}
              disabled={
                !summary || summary.listed === 0 || exportList.isPending || errors.controlShare !== undefined
              }
              data-testid="export-call-list"
            >
              {exportList.isPending ? 'Preparing…' : 'Export call list (CSV)'}
            </button>
          ) : null
        }
      >
        <p className="muted" data-testid="at-risk-summary">
          {summary && valid ? (
            <>
              <strong data-testid="at-risk-listed">{formatInteger(summary.listed)}</strong>
              {summary.cut !== 'all' && summary.listed < summary.eligible ? (
                <>
                  {' '}
                  of <strong data-testid="at-risk-eligible">{formatInteger(summary.eligible)}</strong>{' '}
                  eligible customers to call
                </>
              ) : (
                ' eligible customers to call'
              )}
              {filters.capacity !== undefined && search.get('capacity') === null
                ? ' this week (the calls one person makes in a week)'
                : ''}
              , <strong>{formatMoney(summary.valueAtRiskListed)}</strong> of value at risk
              {summary.cut !== 'all' && summary.listed < summary.eligible
                ? ` (${formatPercent(summary.valueAtRiskEligible ? summary.valueAtRiskListed / summary.valueAtRiskEligible : null)} of the ${formatMoney(summary.valueAtRiskEligible)} among all ${formatInteger(summary.eligible)})`
                : ''}
              .{' '}
              {summary.cut !== 'all' && summary.listed < summary.eligible ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => update({ capacity: ALL_CALLS, customer: null })}
                  data-testid="show-all"
                >
                  Show all {formatInteger(summary.eligible)}
                </button>
              ) : null}
              {summary.cut !== 'all' && summary.listed < summary.eligible ? '. ' : ' '}
              {summary.listedWithoutPhone > 0
                ? `${formatInteger(summary.listedWithoutPhone)} of them have no phone number a dialler can call. `
                : ''}
              {leftOutText(summary, filters.excludeContactedDays !== undefined)}
              {summary.scoredAt ? ` Scores of ${formatDay(summary.scoredAt)}.` : ''}{' '}
              <span data-testid="at-risk-ranking">
                Ranked by what a call can save: value at risk × P(a call changes the outcome),{' '}
                {summary.callEffectSource === 'uplift-model'
                  ? 'estimated per customer by the uplift model'
                  : `${formatPercent(summary.callEffectPrior)} for everyone until enough lists with control groups have matured`}
                .
              </span>{' '}
              {summary.onOtherList > 0 ? (
                <span data-testid="at-risk-other-list">
                  {winBack
                    ? `${formatInteger(summary.onOtherList)} customers who can still be kept are on the at-risk list. `
                    : `${formatInteger(summary.onOtherList)} lost customers are on the win-back list. `}
                  <button
                    type="button"
                    className="link"
                    onClick={() => update({ list: winBack ? null : 'win-back', customer: null })}
                    data-testid="switch-list"
                  >
                    {winBack ? 'Show the at-risk list' : 'Show the win-back list'}
                  </button>
                </span>
              ) : null}
            </>
          ) : (
            'Scored customers who may be contacted, ranked by what a call can save (value at risk × P(a call changes the outcome)).'
          )}
        </p>
        <p className="muted" data-testid="lost-rule">
          {LOST_RULE}{' '}
          {winBack ? 'This is the win-back list.' : 'They are on the win-back list, not this one.'}
        </p>
      </PageHeader>
      {exportList.data ? (
        <p className="card" role="status" data-testid="saved-list">
          Saved as list <strong data-testid="saved-list-id">{exportList.data.list.listId}</strong> (
          {formatDay(exportList.data.list.date)}): {formatInteger(exportList.data.list.treated)} to call
          {exportList.data.list.control > 0 ? (
            <>
              , {formatInteger(exportList.data.list.control)} held back as a control group and left out of the
              file. Its effect can be measured from {formatDay(exportList.data.list.measurableFrom)} on the{' '}
              <Link href="/program">Program</Link> page.
            </>
          ) : (
            <>. Nobody was held back: nothing about this list can be measured.</>
          )}
        </p>
      ) : null}
      {exportList.isError ? (
        <ErrorState error={exportList.error} title="The call list could not be exported" />
      ) : null}
      <form className="card filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="List"
          value={winBack ? 'win-back' : ''}
          options={LIST_OPTIONS}
          onChange={(v) => update({ list: v, customer: null })}
          testId="filter-list"
        />
        <SelectField
          label="Churn probability"
          value={search.get('minP') ?? ''}
          options={
            PROBABILITY_OPTIONS.some((o) => o.value === (search.get('minP') ?? ''))
              ? PROBABILITY_OPTIONS
              : [
                  ...PROBABILITY_OPTIONS,
                  {
                    value: search.get('minP') ?? '',
                    label: `${formatPercent(filters.minProbability ?? null)} or more`,
                  },
                ]
          }
          onChange={(v) => update({ minP: v, customer: null })}
          testId="filter-probability"
        />
        <SelectField
          label="Churn probability at most"
          value={search.get('maxP') ?? ''}
          options={
            MAX_PROBABILITY_OPTIONS.some((o) => o.value === (search.get('maxP') ?? ''))
              ? MAX_PROBABILITY_OPTIONS
              : [
                  ...MAX_PROBABILITY_OPTIONS,
                  {
                    value: search.get('maxP') ?? '',
                    label: `${formatPercent(filters.maxProbability ?? null)} or less`,
                  },
                ]
          }
          onChange={(v) => update({ maxP: v, customer: null })}
          error={errors.maxProbability}
          testId="filter-max-probability"
        />
        <NumberField
          label="Value at risk at least"
          value={filters.minValue}
          min={0}
          placeholder="Any"
          onChange={(v) => update({ minValue: v === undefined ? null : String(v), customer: null })}
          testId="filter-min-value"
        />
        <MultiSelect
          label="Segment"
          values={asList(filters.segment)}
          options={RFM_SEGMENTS}
          onChange={(v) => update({ segment: v, customer: null })}
          testId="filter-segment"
        />
        <MultiSelect
          label="Region"
          values={asList(filters.region)}
          options={values.data?.regions ?? []}
          onChange={(v) => update({ region: v, customer: null })}
          testId="filter-region"
        />
        <SelectField
          label="Open complaint"
          value={
            search.get('complaint') === 'open' || search.get('complaint') === 'none'
              ? (search.get('complaint') ?? '')
              : ''
          }
          options={COMPLAINT_OPTIONS}
          onChange={(v) => update({ complaint: v, customer: null })}
          testId="filter-complaint"
        />
        <SelectField
          label="Phone"
          value={
            search.get('phone') === 'any' || search.get('phone') === 'none' ? (search.get('phone') ?? '') : ''
          }
          options={PHONE_OPTIONS}
          onChange={(v) => update({ phone: v, customer: null })}
          testId="filter-phone"
        />
        <SelectField
          label="Recently contacted"
          value={search.get('contacted') ?? ''}
          options={CONTACTED_OPTIONS}
          onChange={(v) => update({ contacted: v })}
        />
        <CountField
          label="Calls we can make"
          value={
            search.get('capacity') === ALL_CALLS
              ? ''
              : (search.get('capacity') ?? String(filters.capacity ?? ''))
          }
          placeholder="All"
          onChange={(text) => update({ capacity: text === '' ? ALL_CALLS : text, customer: null })}
          error={errors.capacity}
          testId="filter-capacity"
        />
        <SelectField
          label="Hold back (control group)"
          value={search.get('control') ?? ''}
          options={
            CONTROL_OPTIONS.some((o) => o.value === (search.get('control') ?? ''))
              ? CONTROL_OPTIONS
              : [
                  ...CONTROL_OPTIONS,
                  { value: search.get('control') ?? '', label: search.get('control') ?? '' },
                ]
          }
          onChange={(v) => update({ control: v })}
          error={errors.controlShare}
          testId="filter-control"
        />
      </form>
      {!valid ? (
        <div className="empty-state" data-testid="call-list-invalid">
          <p className="empty-title">No list for these filters</p>
          <p className="muted">
            Correct the filter marked above; the list appears as soon as it can be meant.
          </p>
        </div>
      ) : noScores ? (
        <FirstModelState onReady={() => void first.refetch()} />
      ) : first.isError ? (
        <ErrorState
          error={first.error}
          retry={() => void first.refetch()}
          title="Could not load the call list"
        />
      ) : !summary ? (
        <LoadingBlock label="Loading the call list…" height={520} />
      ) : summary.listed === 0 ? (
        <EmptyState title="Nobody matches these filters">
          Widen the probability or value range, choose other segments or regions, drop the complaint or phone
          filter, or keep recently contacted customers.
        </EmptyState>
      ) : (
        <CallList
          total={summary.listed}
          filters={filters}
          firstPage={first.data?.rows ?? []}
          selected={selected}
          onOpen={(id) => update({ customer: id })}
        />
      )}
      {selected ? <CustomerPanel customerId={selected} onClose={() => update({ customer: null })} /> : null}
    </section>
  );
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const CALL_LIST_COLUMNS: readonly VirtualColumn<CallListRow>[] = [
  { key: 'rank', label: '#', numeric: true, render: (r) => formatInteger(r.rank) },
  {
    key: 'customer',
    label: 'Customer',
    title:
      'The customer, and their standing: the RFM segment, "slipping" for a good customer more likely to leave than stay',
    render: (r) => (
      <span className="call-list-customer">
        <span>
          <strong>{r.customerId}</strong> <span className="muted">{r.name ?? ''}</span>
        </span>
        <span
          className={r.standing?.endsWith(', slipping') ? 'standing slipping' : 'standing'}
          data-testid="row-standing"
        >
          {r.standing ?? '—'}
        </span>
      </span>
    ),
    cellTitle: (r) =>
      [r.name, r.segment ? `RFM segment: ${r.segment}` : null].filter((t) => t !== null).join(' · '),
  },
  {
    key: 'probability',
    label: 'Churn',
    title: 'Churn probability',
    numeric: true,
    render: (r) => formatPercent(r.churnProbability),
  },
  { key: 'value', label: 'Value at risk', numeric: true, render: (r) => formatMoney(r.valueAtRisk) },
  {
    key: 'saved',
    label: 'Can save',
    title: 'Expected saved value: value at risk × P(a call changes the outcome)',
    numeric: true,
    render: (r) => formatMoney(r.expectedSavedValue),
    cellTitle: (r) => `${formatMoney(r.valueAtRisk)} × ${formatPercent(r.callEffect)}`,
  },
  { key: 'lastOrder', label: 'Last order', render: (r) => formatDay(r.lastOrderDate) },
  { key: 'orders', label: 'Orders', numeric: true, render: (r) => formatInteger(r.orders) },
  {
    key: 'complaints',
    label: 'Complaints',
    title: 'Open complaints',
    numeric: true,
    render: (r) => (r.openComplaints > 0 ? `${formatInteger(r.openComplaints)} open` : '—'),
  },
  {
    key: 'lastContact',
    label: 'Last contact',
    title: 'The outcome of the last recorded contact, and its day',
    render: (r) => (
      <span className={r.lastOutcome ? undefined : 'muted'}>
        {lastContactText(r.lastOutcome, r.lastContact)}
      </span>
    ),
    cellTitle: (r) => (r.lastContact ? formatDayTime(r.lastContact) : undefined),
  },
  {
    key: 'reasons',
    label: 'Why',
    render: (r) => (
      <>
        {r.reasons[0] ?? '—'}
        {r.reasons.length > 1 ? <span className="muted"> +{r.reasons.length - 1}</span> : null}
      </>
    ),
    cellTitle: (r) => r.reasons.join('; '),
  },
];

/** The call list, fetched page by page as it scrolls (the first page comes with the summary). */
function CallList({
  total,
  filters,
  firstPage,
  selected,
  onOpen,
}: {
  total: number;
  filters: CallListFilters;
  firstPage: CallListRow[];
  selected: string | null;
  onOpen: (customerId: string) => void;
}) {
  const trpc = useTRPC();
  const [range, setRange] = useState<[number, number]>([0, 0]);
  const onRangeChange = useCallback((first: number, last: number) => setRange([first, last]), []);
  const pages = pagesCovering(range[0], range[1]).filter((p) => p > 0);
  const fetched = useQueries({
    queries: pages.map((p) =>
      trpc.atRisk.list.queryOptions({
        ...filters,
        offset: p * CALL_LIST_PAGE_SIZE,
        limit: CALL_LIST_PAGE_SIZE,
      }),
    ),
  });
  const rowAt = (index: number): CallListRow | undefined => {
    const page = Math.floor(index / CALL_LIST_PAGE_SIZE);
    if (page === 0) return firstPage[index];
    return fetched[pages.indexOf(page)]?.data?.rows[index - page * CALL_LIST_PAGE_SIZE];
  };
  const failed = fetched.find((f) => f.isError);
  return (
    <>
      {failed ? (
        <ErrorState
          error={failed.error}
          title="Some rows could not be loaded"
          retry={() => void failed.refetch()}
        />
      ) : null}
      <VirtualTable
        label="Customers to call, ranked by what a call can save"
        total={total}
        columns={CALL_LIST_COLUMNS}
        template={COLUMNS}
        rowHeight={ROW_HEIGHT}
        rowAt={rowAt}
        rowKey={(r) => r.customerId}
        selectedKey={selected}
        onOpen={(r) => onOpen(r.customerId)}
        onRangeChange={onRangeChange}
        testId="call-list"
      />
      <p className="muted">{formatInteger(total)} customers · arrow keys move, Enter opens a customer</p>
    </>
  );
}
