import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { PageHeader, SelectField } from '../components/controls.tsx';
import { BarChart, LineChart } from '../components/LazyChart.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { SqlEditor, type SqlEditorHandle } from '../components/SqlEditor.tsx';
import { EmptyState, QueryView } from '../components/states.tsx';
import { downloadText } from '../data/chartImage.ts';
import { downloadName, tableToCsv } from '../data/csv.ts';
import { readEnum } from '../data/searchState.ts';
import {
  axisLabel,
  type ChartChoice,
  formatCell,
  isNumericColumn,
  lineColumn,
  type QueryResult,
  resultChartRows,
  suggestChart,
} from '../data/sqlResult.ts';
import { formatInteger } from '../format.ts';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

const LIMITS = [
  { value: '100', label: '100 rows' },
  { value: '1000', label: '1,000 rows' },
  { value: '10000', label: '10,000 rows' },
] as const;

const cellNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 });

/** A read-only SQL console over the warehouse: editor, schema, results, chart, CSV, saved queries. */
export default function SqlPage() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [search, update] = useSearchParams();
  const editor = useRef<SqlEditorHandle>(null);
  const [sql, setSql] = useState(() => search.get('q') ?? '');
  // The server's example fills the editor once, unless a statement came with the link or was typed.
  const edited = useRef(search.get('q') !== null);
  const example = useQuery(trpc.query.example.queryOptions(undefined, { staleTime: Infinity }));
  useEffect(() => {
    if (example.data && !edited.current) {
      edited.current = true;
      setSql(example.data.sql);
    }
  }, [example.data]);
  const edit = (text: string) => {
    edited.current = true;
    setSql(text);
  };
  const limit = readEnum(search, 'limit', ['100', '1000', '10000'] as const, '1000');
  const schema = useQuery(trpc.query.schema.queryOptions());
  const saved = useQuery(trpc.query.saved.queryOptions());
  const run = useMutation(trpc.query.run.mutationOptions());
  const save = useMutation(
    trpc.query.save.mutationOptions({
      onSuccess: () => client.invalidateQueries(trpc.query.saved.queryFilter()),
    }),
  );
  const remove = useMutation(
    trpc.query.remove.mutationOptions({
      onSuccess: () => client.invalidateQueries(trpc.query.saved.queryFilter()),
    }),
  );
  const [name, setName] = useState('');

  const completion = useMemo(
    () => Object.fromEntries((schema.data ?? []).map((t) => [t.name, t.columns.map((c) => c.name)])),
    [schema.data],
  );

  const execute = (text = sql) => {
    if (!text.trim()) return;
    editor.current?.markError(null);
    // The query goes into the URL, so the link reproduces this result.
    update({ q: text }, { replace: true });
    run.mutate(
      { sql: text, limit: Number(limit) },
      { onError: (error) => editor.current?.markError(error.data?.query?.position ?? null) },
    );
  };

  // A link with ?q= opens with its result, as the sender saw it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on opening the page
  useEffect(() => {
    if (search.get('q')) execute(search.get('q') ?? '');
  }, []);

  const position = run.error?.data?.query?.position ?? null;
  const where = position === null ? null : lineColumn(run.variables?.sql ?? sql, position);

  return (
    <section aria-labelledby="page-title">
      <PageHeader title="SQL">
        <p className="muted">
          Read-only queries over the warehouse (DuckDB SQL). <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs the query.
        </p>
      </PageHeader>
      <div className="sql-layout">
        <aside className="card schema-browser" aria-label="Schema and saved queries">
          <h2>Tables</h2>
          <QueryView query={schema} label="the schema" height={200}>
            {(tables) => (
              <div data-testid="schema-browser">
                {tables.map((t) => (
                  <details key={t.name}>
                    <summary>
                      <code>{t.name}</code>
                    </summary>
                    <ul>
                      <li>
                        <button
                          type="button"
                          onClick={() => editor.current?.insert(t.name)}
                          aria-label={`Insert table name ${t.name}`}
                        >
                          {t.name}
                        </button>
                      </li>
                      {t.columns.map((c) => (
                        <li key={c.name}>
                          <button
                            type="button"
                            onClick={() => editor.current?.insert(c.name)}
                            title={`${c.type} — click to insert`}
                            aria-label={`Insert column ${c.name} (${c.type})`}
                          >
                            {c.name}
                          </button>{' '}
                          <span className="muted">{c.type.toLowerCase()}</span>
                        </li>
                      ))}
                    </ul>
                  </details>
                ))}
              </div>
            )}
          </QueryView>
          <h2 style={{ marginTop: '1rem' }}>Saved queries</h2>
          <QueryView
            query={saved}
            label="saved queries"
            height={80}
            isEmpty={(list) => list.length === 0}
            empty={<p className="muted">None yet: write a query, name it and save it.</p>}
          >
            {(list) => (
              <ul className="saved-list" data-testid="saved-queries">
                {list.map((q) => (
                  <li key={q.queryId}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        edit(q.sql);
                        setName(q.name);
                        update({ saved: q.queryId, q: q.sql }, { replace: true });
                      }}
                    >
                      {q.name}
                    </button>
                    <button
                      type="button"
                      className="small"
                      aria-label={`Delete saved query ${q.name}`}
                      onClick={() => {
                        if (window.confirm(`Delete the saved query “${q.name}”?`))
                          remove.mutate({ queryId: q.queryId });
                      }}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </QueryView>
        </aside>

        <div className="stack">
          <SqlEditor ref={editor} value={sql} onChange={edit} onRun={() => execute()} schema={completion} />
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => execute()}
              disabled={run.isPending}
              data-testid="run-query"
            >
              {run.isPending ? 'Running…' : 'Run'}
            </button>
            <SelectField
              label="At most"
              value={limit}
              options={LIMITS}
              onChange={(v) => update({ limit: v === '1000' ? null : v })}
            />
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (!name.trim()) return;
                const current = saved.data?.find(
                  (q) => q.queryId === search.get('saved') && q.name === name.trim(),
                );
                save.mutate(
                  { queryId: current?.queryId, name: name.trim(), sql },
                  { onSuccess: (q) => update({ saved: q.queryId }, { replace: true }) },
                );
              }}
            >
              <div className="field">
                <label htmlFor="query-name">Name</label>
                <input
                  id="query-name"
                  type="text"
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder="Monthly revenue"
                />
              </div>
              <button
                type="submit"
                disabled={!name.trim() || save.isPending}
                style={{ alignSelf: 'flex-end' }}
              >
                Save
              </button>
            </form>
            {save.isError ? <span role="alert">{save.error.message}</span> : null}
          </div>

          {run.isError ? (
            <div className="error-state" role="alert" data-testid="sql-error">
              <p className="error-title">
                {run.error.data?.code === 'TIMEOUT' ? 'The query took too long' : 'The query could not run'}
                {where ? ` (line ${where.line}, column ${where.column})` : ''}
              </p>
              <p className="error-message">{run.error.message}</p>
            </div>
          ) : null}
          {run.isSuccess ? <ResultView result={run.data} sql={run.variables.sql} /> : null}
          {run.isIdle ? (
            <EmptyState title="Run a query to see its result">
              Tables are on the left; click a name to insert it.
            </EmptyState>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function ResultView({ result, sql }: { result: QueryResult; sql: string }) {
  const [search, update] = useSearchParams();
  const suggested = useMemo(() => suggestChart(result.columns), [result.columns]);
  const numeric = result.columns.filter(isNumericColumn).map((c) => c.name);
  const names = result.columns.map((c) => c.name);
  const kind = readEnum(search, 'chart', ['none', 'line', 'bar'] as const, suggested.kind);
  const xParam = search.get('x');
  const yParam = search.getAll('y').filter((y) => numeric.includes(y));
  const choice: ChartChoice = {
    kind,
    x: xParam && names.includes(xParam) ? xParam : suggested.x,
    y: yParam.length > 0 ? yParam : suggested.y,
  };
  const rows = choice.kind === 'none' ? [] : resultChartRows(result, choice);

  if (result.columns.length === 0) return <EmptyState title="The query returned no columns" />;
  const csv = () =>
    downloadText(
      tableToCsv(names, result.rows),
      downloadName(sql.split('\n')[0]?.slice(0, 40) || 'query', 'csv'),
    );
  return (
    <section className="card" aria-labelledby="result-title" data-testid="sql-result">
      <div className="card-header">
        <div>
          <h2 id="result-title">Result</h2>
          <p className="muted" data-testid="sql-row-count">
            {formatInteger(result.rows.length)} row{result.rows.length === 1 ? '' : 's'}
            {result.truncated ? ' (more rows exist; raise the limit or aggregate)' : ''} ·{' '}
            {formatInteger(result.elapsedMs)} ms
          </p>
        </div>
        <div className="card-actions">
          <button type="button" onClick={csv} data-testid="sql-csv">
            Download CSV
          </button>
        </div>
      </div>
      {numeric.length > 0 && result.rows.length > 1 ? (
        <div className="row" style={{ marginBottom: '0.6rem' }}>
          <SelectField
            label="Chart"
            value={choice.kind}
            options={[
              { value: 'none', label: 'No chart' },
              { value: 'line', label: 'Line' },
              { value: 'bar', label: 'Bar' },
            ]}
            onChange={(v) => update({ chart: v }, { replace: true })}
          />
          {choice.kind !== 'none' ? (
            <>
              <SelectField
                label="X axis"
                value={choice.x}
                options={names.map((n) => ({ value: n, label: n }))}
                onChange={(v) => update({ x: v }, { replace: true })}
              />
              <SelectField
                label="Y axis"
                value={choice.y.length === 1 ? (choice.y[0] ?? '') : ''}
                options={[
                  ...(suggested.y.length > 1 ? [{ value: '', label: 'Every numeric column' }] : []),
                  ...numeric.map((n) => ({ value: n, label: n })),
                ]}
                onChange={(v) => update({ y: v ? [v] : null }, { replace: true })}
              />
            </>
          ) : null}
        </div>
      ) : null}
      {choice.kind !== 'none' && rows.length > 1 ? (
        <div className="chart-area" data-testid="sql-chart">
          {choice.kind === 'line' ? (
            <LineChart
              title="Chart of the query result"
              data={rows}
              xKey="x"
              series={choice.y.map((y, i) => ({ key: `y${i}`, label: y }))}
              xFormat={axisLabel}
              yFormat={(v) => cellNumber.format(v)}
              height={260}
              dots={rows.length <= 40}
            />
          ) : (
            <BarChart
              title="Chart of the query result"
              data={rows.slice(0, 200)}
              xKey="x"
              series={choice.y.map((y, i) => ({ key: `y${i}`, label: y }))}
              xFormat={axisLabel}
              yFormat={(v) => cellNumber.format(v)}
              height={260}
            />
          )}
        </div>
      ) : null}
      <ScrollRegion label="Query result rows" style={{ maxHeight: 420 }}>
        <table className="grid" data-testid="sql-grid">
          <caption className="visually-hidden">Query result</caption>
          <thead>
            <tr>
              {result.columns.map((c) => (
                <th
                  key={c.name}
                  scope="col"
                  className={isNumericColumn(c) ? 'num' : undefined}
                  title={c.type}
                >
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.slice(0, 1000).map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity; the table is replaced per run
              <tr key={i}>
                {row.map((cell, j) => (
                  <td
                    key={result.columns[j]?.name ?? j}
                    className={typeof cell === 'number' ? 'num' : undefined}
                  >
                    {formatCell(cell, cellNumber)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {result.rows.length > 1000 ? (
        <p className="muted">
          The first 1,000 rows are shown; the CSV holds all {formatInteger(result.rows.length)}.
        </p>
      ) : null}
    </section>
  );
}
