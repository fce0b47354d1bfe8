import type {
  DecimalSeparator,
  IngestSummary,
  Section,
  SourceInspection,
  ThousandsSeparator,
} from '@retain/schemas';
import { DATE_FORMAT_CANDIDATES, SECTIONS, THOUSANDS_SEPARATORS } from '@retain/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { type DragEvent, useId, useRef, useState } from 'react';
import { PageHeader } from '../components/controls.tsx';
import { ErrorState, errorMessage, QueryView } from '../components/states.tsx';
import {
  choicesLeft,
  dateFormatLabel,
  type FileSettings,
  headerIndex,
  headerOptions,
  mappingRows,
  numberFormatLabel,
  remapForSection,
  setMapping,
  settingsFromProposal,
} from '../data/columnMapping.ts';
import { type EngineFacts, engineFactsLine } from '../data/engineFacts.ts';
import { describeLoadError } from '../data/loadErrors.ts';
import { uploadFile } from '../data/upload.ts';
import { formatBytes, formatDay, formatInteger, moneyCurrency } from '../format.ts';
import { useTRPC } from '../trpc.ts';

interface PendingFile {
  key: string;
  name: string;
  size: number;
  /** 0–1 while uploading. */
  progress: number;
  uploadId?: string;
  inspection?: SourceInspection;
  /** Set from the proposal once inspected; the user changes them. */
  settings?: FileSettings;
  negativeLinesAreReturns?: boolean;
  skipRowsWithoutCustomer?: boolean;
  error?: { title: string; detail: string };
}

const SECTION_LABELS: Record<Section, string> = {
  customers: 'Customers',
  purchases: 'Orders (purchases)',
  complaints: 'Complaints',
  returns: 'Returns',
};

/** What the warehouse holds, and loading new exports into it: upload, map, validate, load. */
export default function DataPage() {
  const trpc = useTRPC();
  const info = useQuery(trpc.info.get.queryOptions());
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Data">
        <p className="muted">
          {info.data?.engine
            ? 'The facts are read on a Trino cluster; this server keeps their figures, users and models.'
            : 'Load your exports: customers, orders, complaints and returns as CSV, Parquet or JSON.'}
        </p>
      </PageHeader>
      {info.data?.engine ? (
        <EngineFactsCard engine={info.data.engine} orderLines={info.data.purchases.rows} />
      ) : (
        <Uploader />
      )}
      <section className="card" aria-labelledby="warehouse-title">
        <h2 id="warehouse-title">{info.data?.engine ? 'On the cluster' : 'In the warehouse'}</h2>
        <QueryView query={info} label={info.data?.engine ? 'the cluster' : 'the warehouse'} height={200}>
          {(d) => {
            const rows: Array<[string, number, string | null, string | null]> = [
              ['Customers', d.customers.rows, null, null],
              ['Order lines', d.purchases.rows, d.purchases.from, d.purchases.to],
              ['Orders', d.purchases.orders, null, null],
              ['Complaints', d.complaints.rows, d.complaints.from, d.complaints.to],
              ['Returns', d.returns.rows, d.returns.from, d.returns.to],
            ];
            return (
              <>
                {d.engine ? (
                  <p className="muted">Figures kept in {d.database}</p>
                ) : (
                  <p className="muted">
                    Data version <strong data-testid="data-version">{d.dataVersion}</strong>
                    {d.lastIngestAt ? ` · last load ${formatDay(d.lastIngestAt)}` : ''} · {d.database}
                  </p>
                )}
                <table className="grid">
                  <thead>
                    <tr>
                      <th scope="col">Table</th>
                      <th scope="col" className="num">
                        Rows
                      </th>
                      <th scope="col">From</th>
                      <th scope="col">To</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map(([label, count, from, to]) => (
                      <tr key={label}>
                        <th scope="row">{label}</th>
                        <td className="num" data-testid={`rows-${label.toLowerCase().replace(' ', '-')}`}>
                          {formatInteger(count)}
                        </td>
                        <td>{from ? formatDay(from) : ''}</td>
                        <td>{to ? formatDay(to) : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            );
          }}
        </QueryView>
      </section>
    </section>
  );
}

/**
 * On a cluster: where the facts are and which version of them the figures are of, with a button
 * that reads their version there now (instead of after RETAIN_ENGINE_RECHECK_SECONDS) and has
 * every page read its figures again, so that data that arrived on the cluster shows at once.
 */
function EngineFactsCard({ engine, orderLines }: { engine: EngineFacts; orderLines: number }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const check = useMutation({
    mutationFn: () => client.fetchQuery({ ...trpc.info.get.queryOptions({ refresh: true }), staleTime: 0 }),
    // The server answers every figure of the new version from then on; the cached ones are stale.
    onSuccess: () => client.invalidateQueries(),
  });
  return (
    <section className="card" aria-labelledby="engine-title" data-testid="engine-data">
      <h2 id="engine-title">Where the data lives</h2>
      <p role="status" data-testid="engine-facts">
        {engineFactsLine(engine, orderLines)}
      </p>
      <p className="muted">
        Map the cluster's tables with <code>retain ingest --engine … --mapping</code>; files are not loaded
        from this page.
      </p>
      <button
        type="button"
        onClick={() => check.mutate()}
        disabled={check.isPending}
        data-testid="engine-check"
      >
        {check.isPending ? 'Checking the cluster…' : 'Check the cluster for new data'}
      </button>
      {check.isError ? (
        <p className="error-message" role="alert" data-testid="engine-check-error">
          {errorMessage(check.error)}
        </p>
      ) : null}
    </section>
  );
}

function Uploader() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [dragging, setDragging] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  // null: the amounts are in the currency the data already has (sent only when the user picks one).
  const [currency, setCurrency] = useState<string | null>(null);
  const shownCurrency = currency ?? moneyCurrency() ?? 'USD';
  const ingest = useMutation(
    trpc.data.ingest.mutationOptions({
      onSuccess: () => {
        setFiles([]);
        // New data: every cached figure is stale (the server keys its cache by data version too).
        void client.invalidateQueries();
      },
    }),
  );
  const progress = useSubscription(
    trpc.data.progress.subscriptionOptions({ jobId: jobId ?? 'job-none' }, { enabled: jobId !== null }),
  );

  const patch = (key: string, change: Partial<PendingFile>) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...change } : f)));

  const add = (list: FileList | null) => {
    if (!list) return;
    ingest.reset();
    for (const file of Array.from(list)) {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      setFiles((all) => [...all, { key, name: file.name, size: file.size, progress: 0 }]);
      uploadFile(file, (p) => patch(key, { progress: p }))
        .then(async (uploaded) => {
          patch(key, { progress: 1, uploadId: uploaded.uploadId });
          const inspection = await client.fetchQuery(
            trpc.data.inspect.queryOptions({ uploadId: uploaded.uploadId }),
          );
          patch(key, { inspection, settings: settingsFromProposal(inspection.proposal) });
        })
        .catch((error: unknown) => {
          const { summary, issues } = describeLoadError(error, errorMessage(error));
          patch(key, {
            error: { title: `Could not read ${file.name}`, detail: [summary, ...issues].join(' ') },
          });
        });
    }
  };

  const ready = files.flatMap((f) =>
    f.uploadId && f.settings ? [{ ...f, uploadId: f.uploadId, settings: f.settings }] : [],
  );
  const left = ready.flatMap((f) => choicesLeft(f.settings).map((c) => `${f.name}: ${c}`));
  const blocked = files.length === 0 || files.some((f) => !f.error && !f.settings) || left.length > 0;

  const load = () => {
    const id = `job-${crypto.randomUUID()}`;
    setJobId(id);
    ingest.mutate({
      jobId: id,
      files: ready.map(({ uploadId, settings, negativeLinesAreReturns, skipRowsWithoutCustomer }) => ({
        uploadId,
        section: settings.section,
        columns: settings.columns,
        dateFormat: settings.dateFormat ?? null,
        decimalSeparator: settings.decimalSeparator,
        thousandsSeparator: settings.thousandsSeparator ?? null,
        negativeLinesAreReturns,
        skipRowsWithoutCustomer,
      })),
      ...(currency ? { currency } : {}),
    });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const refused = ingest.isError ? describeLoadError(ingest.error, ingest.error.message) : null;
  const event = progress.data;
  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Load files</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping files is a mouse shortcut; the "choose files" control is the keyboard way */}
      <div
        className={`dropzone${dragging ? ' active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop exports here or{' '}
          <label htmlFor={inputId} className="button">
            choose files
          </label>
        </p>
        <input
          id={inputId}
          ref={input}
          type="file"
          multiple
          className="visually-hidden"
          accept=".csv,.tsv,.txt,.gz,.parquet,.json,.ndjson,.jsonl"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
          data-testid="file-input"
        />
        <p className="muted">
          CSV (any delimiter, gzipped too), Parquet or JSON. Loads are all-or-nothing and rows already loaded
          are skipped, so loading the same export twice is safe.
        </p>
      </div>

      {files.map((f) => (
        <FileMapping
          key={f.key}
          file={f}
          onChange={(change) => patch(f.key, change)}
          onRemove={() => setFiles((all) => all.filter((x) => x.key !== f.key))}
        />
      ))}

      {files.length > 0 ? (
        <div className="row" style={{ marginTop: '1rem' }}>
          <label className="field">
            <span>Currency of the amounts</span>
            <select
              value={shownCurrency}
              onChange={(e) => setCurrency(e.target.value)}
              data-testid="control-currency"
            >
              {currencyChoices(shownCurrency).map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="primary"
            disabled={blocked || ingest.isPending}
            onClick={load}
            data-testid="load-button"
          >
            {ingest.isPending
              ? 'Loading…'
              : `Load ${ready.length === 1 ? 'the file' : `${ready.length} files`}`}
          </button>
        </div>
      ) : null}
      {left.length > 0 && !ingest.isPending ? (
        <ul className="muted choices-left" data-testid="choices-left">
          {left.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      ) : null}

      {ingest.isPending ? (
        <div className="load-progress" role="status" data-testid="load-progress">
          <p>
            {event ? `${event.section ? SECTION_LABELS[event.section] : 'All'}: ${event.step}` : 'Starting…'}
            {event?.percent !== null && event?.percent !== undefined
              ? ` (${Math.round(event.percent)} %)`
              : ''}
          </p>
          <progress max={100} value={event?.percent ?? undefined} aria-label="Load progress" />
        </div>
      ) : null}

      {refused ? (
        <div className="error-state" role="alert" data-testid="load-error">
          <p className="error-title">Nothing was loaded: {refused.summary}</p>
          {refused.issues.length > 0 ? (
            <ul className="issues">
              {refused.issues.map((issue) => (
                <li key={issue} data-testid="load-issue">
                  {issue}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="muted">Correct the file, or the settings above, and load it again.</p>
        </div>
      ) : null}

      {ingest.isSuccess ? <LoadSummary summary={ingest.data} /> : null}
    </section>
  );
}

/** What a load did, table by table, and what is worth knowing about it. */
function LoadSummary({ summary }: { summary: IngestSummary }) {
  const changed = SECTIONS.some((s) => summary[s].inserted + summary[s].updated > 0);
  const read = SECTIONS.filter((s) => summary[s].rows > 0);
  const seconds = summary.seconds.toFixed(1);
  return (
    <div className="load-summary" role="status" data-testid="load-summary">
      <h3 data-testid="load-headline">
        {changed
          ? `Loaded in ${seconds} s; data version ${summary.dataVersion}.`
          : `Nothing new to load (${seconds} s); the data version stays ${summary.dataVersion}.`}
      </h3>
      {read.length > 0 ? (
        <div className="table-scroll">
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col" className="num">
                  Rows read
                </th>
                <th scope="col" className="num">
                  Added
                </th>
                <th scope="col" className="num">
                  Already there
                </th>
                <th scope="col" className="num">
                  Updated
                </th>
                <th scope="col" className="num">
                  Skipped
                </th>
              </tr>
            </thead>
            <tbody>
              {read.map((s) => (
                <tr key={s}>
                  <th scope="row">{SECTION_LABELS[s]}</th>
                  <td className="num">{formatInteger(summary[s].rows)}</td>
                  <td className="num" data-testid={`inserted-${s}`}>
                    {formatInteger(summary[s].inserted)}
                  </td>
                  <td className="num">{formatInteger(summary[s].duplicates)}</td>
                  <td className="num">{formatInteger(summary[s].updated)}</td>
                  <td className="num">{formatInteger(summary[s].skipped)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {summary.warnings.length > 0 ? (
        <div className="load-warnings">
          <h4>Worth knowing</h4>
          <ul data-testid="load-warnings">
            {summary.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

const THOUSANDS_LABELS: Record<ThousandsSeparator, string> = {
  '.': 'Point',
  ',': 'Comma',
  ' ': 'Space',
  "'": 'Apostrophe',
};

/** A select's value for a setting the user has still to choose. */
const UNCHOSEN = '?';

function FileMapping({
  file,
  onChange,
  onRemove,
}: {
  file: PendingFile;
  onChange: (change: Partial<PendingFile>) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const { inspection, settings } = file;
  const set = (change: Partial<FileSettings>) =>
    settings && onChange({ settings: { ...settings, ...change } });
  return (
    <article className="file-mapping" aria-labelledby={`${id}-name`} data-testid="file-mapping">
      <div className="card-header">
        <div>
          <h3 id={`${id}-name`}>
            {file.name} <span className="muted">({formatBytes(file.size)})</span>
          </h3>
          {inspection ? (
            <p className="muted">
              {inspection.format.toUpperCase()}
              {inspection.delimiter
                ? `, “${inspection.delimiter === '\t' ? 'tab' : inspection.delimiter}”-separated`
                : ''}
              , {inspection.headers.length} columns · proposal confidence{' '}
              {Math.round(inspection.proposal.confidence * 100)} %
            </p>
          ) : null}
        </div>
        <button type="button" className="small" onClick={onRemove} aria-label={`Remove ${file.name}`}>
          Remove
        </button>
      </div>
      {file.error ? (
        <ErrorState error={file.error.detail} title={file.error.title} />
      ) : !inspection || !settings ? (
        <div role="status">
          <progress max={1} value={file.progress} aria-label={`Uploading ${file.name}`} />
          <p className="muted">
            {file.progress < 1 ? `Uploading… ${Math.round(file.progress * 100)} %` : 'Reading the headers…'}
          </p>
        </div>
      ) : (
        <FileSettingsForm
          id={id}
          file={file}
          inspection={inspection}
          settings={settings}
          set={set}
          onChange={onChange}
        />
      )}
    </article>
  );
}

function FileSettingsForm({
  id,
  file,
  inspection,
  settings,
  set,
  onChange,
}: {
  id: string;
  file: PendingFile;
  inspection: SourceInspection;
  settings: FileSettings;
  set: (change: Partial<FileSettings>) => void;
  onChange: (change: Partial<PendingFile>) => void;
}) {
  const { section, columns } = settings;
  const { proposal } = inspection;
  const dateChoices = proposal.dateFormatChoices;
  const otherFormats = [
    ...new Set([...(proposal.dateFormat ? [proposal.dateFormat] : []), ...DATE_FORMAT_CANDIDATES]),
  ].filter((f) => !dateChoices.includes(f));
  const numberChoices = proposal.numberFormatChoices;
  const numbersUnchosen =
    settings.decimalSeparator === undefined || settings.thousandsSeparator === undefined;
  const options = headerOptions(inspection.headers);
  return (
    <>
      {inspection.notes.length > 0 ? (
        <ul className="muted" data-testid="inspection-notes">
          {inspection.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <div className="row file-settings">
        <div className="field">
          <label htmlFor={`${id}-section`}>Contains</label>
          <select
            id={`${id}-section`}
            value={section}
            onChange={(e) => {
              const next = e.target.value as Section;
              set({
                section: next,
                columns: remapForSection(next, inspection.headers, columns, proposal.sections[next]?.columns),
              });
            }}
            data-testid="section-select"
          >
            {SECTIONS.map((s) => (
              <option key={s} value={s}>
                {SECTION_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-date`}>Date format</label>
          <select
            id={`${id}-date`}
            value={settings.dateFormat === undefined ? UNCHOSEN : (settings.dateFormat ?? '')}
            onChange={(e) => set({ dateFormat: e.target.value || null })}
            aria-invalid={settings.dateFormat === undefined}
            data-testid="date-format"
          >
            {settings.dateFormat === undefined ? (
              <option value={UNCHOSEN} disabled>
                Choose: day first or month first
              </option>
            ) : null}
            {dateChoices.length > 0 ? (
              <optgroup label="Every date fits">
                {dateChoices.map((f) => (
                  <option key={f} value={f}>
                    {dateFormatLabel(f)}
                  </option>
                ))}
              </optgroup>
            ) : null}
            <option value="">{dateFormatLabel(null)}</option>
            {otherFormats.map((f) => (
              <option key={f} value={f}>
                {dateFormatLabel(f)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-decimal`}>Decimal separator</label>
          <select
            id={`${id}-decimal`}
            value={settings.decimalSeparator ?? UNCHOSEN}
            onChange={(e) => set({ decimalSeparator: e.target.value as DecimalSeparator })}
            aria-invalid={settings.decimalSeparator === undefined}
            data-testid="decimal-separator"
          >
            {settings.decimalSeparator === undefined ? (
              <option value={UNCHOSEN} disabled>
                Choose…
              </option>
            ) : null}
            <option value=".">Point (12.50)</option>
            <option value=",">Comma (12,50)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-thousands`}>Thousands separator</label>
          <select
            id={`${id}-thousands`}
            value={settings.thousandsSeparator === undefined ? UNCHOSEN : (settings.thousandsSeparator ?? '')}
            onChange={(e) =>
              set({
                thousandsSeparator: e.target.value === '' ? null : (e.target.value as ThousandsSeparator),
              })
            }
            aria-invalid={
              settings.thousandsSeparator === undefined ||
              settings.thousandsSeparator === settings.decimalSeparator
            }
            data-testid="thousands-separator"
          >
            {settings.thousandsSeparator === undefined ? (
              <option value={UNCHOSEN} disabled>
                Choose…
              </option>
            ) : null}
            <option value="">None (1234)</option>
            {THOUSANDS_SEPARATORS.map((t) => (
              <option key={t} value={t}>
                {THOUSANDS_LABELS[t]} ({`1${t}234`})
              </option>
            ))}
          </select>
        </div>
        {section === 'purchases' ? (
          <label>
            <input
              type="checkbox"
              checked={file.negativeLinesAreReturns ?? false}
              onChange={(e) => onChange({ negativeLinesAreReturns: e.target.checked })}
            />{' '}
            Negative lines are returns
          </label>
        ) : null}
        <label>
          <input
            type="checkbox"
            checked={file.skipRowsWithoutCustomer ?? false}
            onChange={(e) => onChange({ skipRowsWithoutCustomer: e.target.checked })}
          />{' '}
          Skip rows without a customer
        </label>
      </div>
      {numbersUnchosen && numberChoices.length > 1 ? (
        <fieldset className="number-choices">
          <legend>The numbers can be read more than one way: which is it?</legend>
          {numberChoices.map((c) => (
            <label key={`${c.decimalSeparator}${c.thousandsSeparator}`}>
              <input
                type="radio"
                name={`${id}-numbers`}
                onChange={() =>
                  set({ decimalSeparator: c.decimalSeparator, thousandsSeparator: c.thousandsSeparator })
                }
              />{' '}
              {numberFormatLabel(c.decimalSeparator, c.thousandsSeparator)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="table-scroll">
        <table className="grid mapping-table">
          <caption className="visually-hidden">Column mapping of {file.name}</caption>
          <thead>
            <tr>
              <th scope="col">Column in Retain</th>
              <th scope="col">From the file’s column</th>
              <th scope="col">First values</th>
            </tr>
          </thead>
          <tbody>
            {mappingRows(section, columns).map((row) => {
              const index = headerIndex(inspection.headers, row.header);
              const selectId = `${id}-${row.canonical}`;
              return (
                <tr key={row.canonical}>
                  <th scope="row">
                    <label htmlFor={selectId}>
                      <code>{row.canonical}</code>
                      {row.required ? <span className="muted"> (required)</span> : null}
                    </label>
                  </th>
                  <td>
                    <select
                      id={selectId}
                      value={row.header ?? ''}
                      onChange={(e) =>
                        set({ columns: setMapping(columns, row.canonical, e.target.value || null) })
                      }
                      aria-invalid={row.required && row.header === null}
                      data-testid={`map-${row.canonical}`}
                    >
                      <option value="">— not in this file —</option>
                      {options.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="muted">
                    {index >= 0
                      ? inspection.sample
                          .slice(0, 3)
                          .map((r) => r[index] ?? '')
                          .join(' · ')
                      : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Currencies retailers' exports are most often in, and the one in use. */
const COMMON_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'JPY',
  'CNY',
  'INR',
  'AUD',
  'CAD',
  'BRL',
  'MXN',
  'ZAR',
  'TRY',
  'IRR',
];

function currencyChoices(current: string): string[] {
  return COMMON_CURRENCIES.includes(current) ? COMMON_CURRENCIES : [current, ...COMMON_CURRENCIES];
}
