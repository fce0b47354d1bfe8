import type { IngestIssue, Section, SourceInspection } from '@retain/schemas';
import { DATE_FORMAT_CANDIDATES, SECTIONS } from '@retain/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { type DragEvent, useId, useRef, useState } from 'react';
import { PageHeader } from '../components/controls.tsx';
import { ErrorState, errorMessage, QueryView } from '../components/states.tsx';
import {
  describeIssue,
  mappingRows,
  missingRequired,
  remapForSection,
  setMapping,
} from '../data/columnMapping.ts';
import { uploadFile } from '../data/upload.ts';
import { formatBytes, formatDay, formatInteger } from '../format.ts';
import { useTRPC } from '../trpc.ts';

interface PendingFile {
  key: string;
  name: string;
  size: number;
  /** 0–1 while uploading. */
  progress: number;
  uploadId?: string;
  inspection?: SourceInspection;
  section?: Section;
  columns?: Record<string, string>;
  dateFormat?: string | null;
  decimalSeparator?: '.' | ',';
  negativeLinesAreReturns?: boolean;
  skipRowsWithoutCustomer?: boolean;
  error?: string;
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
          Load your exports: customers, orders, complaints and returns as CSV, Parquet or JSON.
        </p>
      </PageHeader>
      <Uploader />
      <section className="card" aria-labelledby="warehouse-title">
        <h2 id="warehouse-title">In the warehouse</h2>
        <QueryView query={info} label="the warehouse" height={200}>
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
                <p className="muted">
                  Data version <strong data-testid="data-version">{d.dataVersion}</strong>
                  {d.lastIngestAt ? ` · last load ${formatDay(d.lastIngestAt)}` : ''} · {d.database}
                </p>
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

function Uploader() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [dragging, setDragging] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
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
          patch(key, {
            inspection,
            section: inspection.proposal.section,
            columns: inspection.proposal.columns,
            dateFormat: inspection.proposal.dateFormat,
            decimalSeparator: inspection.proposal.decimalSeparator,
          });
        })
        .catch((error: unknown) => patch(key, { error: errorMessage(error) }));
    }
  };

  const ready = files.filter((f) => f.inspection && f.section && f.columns);
  const blocked =
    files.length === 0 ||
    files.some((f) => !f.error && !f.inspection) ||
    ready.some((f) => f.section && f.columns && missingRequired(f.section, f.columns).length > 0);

  const load = () => {
    const id = `job-${crypto.randomUUID()}`;
    setJobId(id);
    ingest.mutate({
      jobId: id,
      files: ready.map((f) => ({
        uploadId: f.uploadId as string,
        section: f.section as Section,
        columns: f.columns as Record<string, string>,
        dateFormat: f.dateFormat ?? null,
        decimalSeparator: f.decimalSeparator,
        negativeLinesAreReturns: f.negativeLinesAreReturns,
        skipRowsWithoutCustomer: f.skipRowsWithoutCustomer,
      })),
    });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const issues: IngestIssue[] = ingest.error?.data?.issues ?? [];
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
          {blocked && !ingest.isPending ? (
            <span className="muted">Map every required column first.</span>
          ) : null}
        </div>
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

      {ingest.isError ? (
        <div className="error-state" role="alert" data-testid="load-error">
          <p className="error-title">Nothing was loaded: {ingest.error.message}</p>
          {issues.length > 0 ? (
            <ul className="issues">
              {issues.map((issue) => (
                <li
                  key={`${issue.file}-${issue.line}-${issue.column}-${issue.reason}`}
                  data-testid="load-issue"
                >
                  {describeIssue(issue)}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="muted">
            Fix the file or the mapping and load again; nothing in the warehouse changed.
          </p>
        </div>
      ) : null}

      {ingest.isSuccess ? (
        <div className="load-summary" role="status" data-testid="load-summary">
          <h3>
            Loaded in {ingest.data.seconds.toFixed(1)} s (data version {ingest.data.dataVersion})
          </h3>
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
              {SECTIONS.filter((s) => ingest.data[s].rows > 0).map((s) => (
                <tr key={s}>
                  <th scope="row">{SECTION_LABELS[s]}</th>
                  <td className="num">{formatInteger(ingest.data[s].rows)}</td>
                  <td className="num" data-testid={`inserted-${s}`}>
                    {formatInteger(ingest.data[s].inserted)}
                  </td>
                  <td className="num">{formatInteger(ingest.data[s].duplicates)}</td>
                  <td className="num">{formatInteger(ingest.data[s].updated)}</td>
                  <td className="num">{formatInteger(ingest.data[s].skipped)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {ingest.data.warnings.length > 0 ? (
            <ul>
              {ingest.data.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

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
  const { inspection, section, columns } = file;
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
        <ErrorState error={file.error} title={`Could not read ${file.name}`} />
      ) : !inspection || !section || !columns ? (
        <div role="status">
          <progress max={1} value={file.progress} aria-label={`Uploading ${file.name}`} />
          <p className="muted">
            {file.progress < 1 ? `Uploading… ${Math.round(file.progress * 100)} %` : 'Reading the headers…'}
          </p>
        </div>
      ) : (
        <>
          {inspection.notes.length > 0 ? (
            <ul className="muted">
              {inspection.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-section`}>Contains</label>
              <select
                id={`${id}-section`}
                value={section}
                onChange={(e) => {
                  const next = e.target.value as Section;
                  onChange({ section: next, columns: remapForSection(next, inspection.headers, columns) });
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
                value={file.dateFormat ?? ''}
                onChange={(e) => onChange({ dateFormat: e.target.value || null })}
              >
                <option value="">ISO 8601 (2024-01-31)</option>
                {[...new Set([...(file.dateFormat ? [file.dateFormat] : []), ...DATE_FORMAT_CANDIDATES])].map(
                  (f) => (
                    <option key={f} value={f}>
                      {f}
                    </option>
                  ),
                )}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-decimal`}>Decimal separator</label>
              <select
                id={`${id}-decimal`}
                value={file.decimalSeparator ?? '.'}
                onChange={(e) => onChange({ decimalSeparator: e.target.value as '.' | ',' })}
              >
                <option value=".">Point (12.50)</option>
                <option value=",">Comma (12,50)</option>
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
                const index = row.header === null ? -1 : inspection.headers.indexOf(row.header);
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
                          onChange({ columns: setMapping(columns, row.canonical, e.target.value || null) })
                        }
                        aria-invalid={row.required && row.header === null}
                        data-testid={`map-${row.canonical}`}
                      >
                        <option value="">— not in this file —</option>
                        {inspection.headers.map((h) => (
                          <option key={h} value={h}>
                            {h}
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
          {missingRequired(section, columns).length > 0 ? (
            <p className="field-error" role="alert">
              Map the required column{missingRequired(section, columns).length > 1 ? 's' : ''}{' '}
              {missingRequired(section, columns).join(', ')}.
            </p>
          ) : null}
        </>
      )}
    </article>
  );
}
