import { type ReactNode, useId, useRef, useState } from 'react';
import { downloadBlob, downloadText, mainSvg, svgToPng } from '../data/chartImage.ts';
import { downloadName, tableToCsv } from '../data/csv.ts';
import { type Column, tableCsvRows } from '../data/table.ts';
import { DataTable } from './DataTable.tsx';
import { ScrollRegion } from './ScrollRegion.tsx';

interface ChartCardProps<R> {
  title: string;
  description?: ReactNode;
  /** The chart's data as a table: downloaded as CSV and offered as the chart's text alternative. */
  columns?: readonly Column<R>[];
  rows?: readonly R[];
  /** Extra controls beside the download buttons. */
  actions?: ReactNode;
  testId?: string;
  className?: string;
  children: ReactNode;
}

/** A titled card around a chart, with PNG and CSV downloads and a "show as table" alternative. */
export function ChartCard<R>({
  title,
  description,
  columns,
  rows,
  actions,
  testId,
  className,
  children,
}: ChartCardProps<R>) {
  const titleId = useId();
  const area = useRef<HTMLDivElement>(null);
  const [tableOpen, setTableOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const hasData = columns !== undefined && rows !== undefined && rows.length > 0;

  const downloadPng = async () => {
    const svg = area.current ? mainSvg(area.current) : null;
    if (!svg) return;
    try {
      setProblem(null);
      downloadBlob(await svgToPng(svg, title), downloadName(title, 'png'));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The image could not be made.');
    }
  };
  const downloadCsv = () => {
    if (!columns || !rows) return;
    downloadText(
      tableToCsv(
        columns.map((c) => c.label),
        tableCsvRows(columns, rows),
      ),
      downloadName(title, 'csv'),
    );
  };

  return (
    <section className={`card chart-card ${className ?? ''}`} aria-labelledby={titleId} data-testid={testId}>
      <div className="card-header">
        <div>
          <h2 id={titleId}>{title}</h2>
          {description ? <p className="muted">{description}</p> : null}
        </div>
        <div className="card-actions">
          {actions}
          {hasData ? (
            <>
              <button
                type="button"
                className="small"
                onClick={downloadPng}
                aria-label={`Download “${title}” as PNG`}
              >
                PNG
              </button>
              <button
                type="button"
                className="small"
                onClick={downloadCsv}
                aria-label={`Download “${title}” as CSV`}
              >
                CSV
              </button>
            </>
          ) : null}
        </div>
      </div>
      <div className="chart-area" ref={area}>
        {children}
      </div>
      {problem ? (
        <p role="alert" className="muted">
          {problem}
        </p>
      ) : null}
      {hasData ? (
        <details className="chart-table" onToggle={(e) => setTableOpen(e.currentTarget.open)}>
          <summary>Show the data as a table</summary>
          {tableOpen ? (
            <ScrollRegion label={`${title}: data`}>
              <DataTable columns={columns} rows={rows} rowKey={(_, i) => String(i)} caption={title} />
            </ScrollRegion>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}
