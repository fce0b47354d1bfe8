import { useId } from 'react';
import { formatKpiValue, type Kpi, type KpiDefinition, kpiChange } from '../data/kpis.ts';
import { formatDay } from '../format.ts';
import { Sparkline } from './Sparkline.tsx';
import { Skeleton } from './states.tsx';

interface KpiTileProps {
  definition: KpiDefinition;
  kpi: Kpi;
  previousAsOf: string | null;
  /** Oldest first; undefined while it loads. */
  trend?: readonly (number | null)[];
}

/** A KPI, its value 90 days earlier and the change, coloured by whether the change is good news. */
export function KpiTile({ definition, kpi, previousAsOf, trend }: KpiTileProps) {
  const id = useId();
  const change = kpiChange(definition, kpi);
  return (
    <article
      className="card kpi"
      aria-labelledby={id}
      data-testid={`kpi-${definition.name}`}
      title={definition.help}
    >
      <h2 id={id}>{definition.label}</h2>
      <p className="kpi-value" data-testid={`kpi-${definition.name}-value`} data-value={kpi.value ?? ''}>
        {formatKpiValue(definition.kind, kpi.value)}
      </p>
      <p className="kpi-delta">
        {change ? (
          <span className={`delta ${change.verdict}`} data-testid={`kpi-${definition.name}-delta`}>
            <span aria-hidden="true">{change.arrow} </span>
            {change.text}
            <span className="visually-hidden">
              {change.verdict === 'flat' ? ', about the same' : `, ${change.verdict}`}
            </span>
          </span>
        ) : null}
        <span className="muted">
          {kpi.previous !== null
            ? `vs ${formatKpiValue(definition.kind, kpi.previous)}${previousAsOf ? ` on ${formatDay(previousAsOf)}` : ''}`
            : definition.name === 'atRiskRevenue'
              ? kpi.value === null
                ? 'no model yet'
                : 'from the latest scores'
              : 'no earlier value'}
        </span>
      </p>
      {definition.history === false ? null : trend ? <Sparkline values={trend} /> : <Skeleton height={36} />}
    </article>
  );
}
