import { useId } from 'react';
import { formatKpiValue, type Kpi, type KpiDefinition, type Kpis, kpiChange } from '../data/kpis.ts';
import { formatDay } from '../format.ts';
import { Definition } from './Definition.tsx';
import { Sparkline } from './Sparkline.tsx';
import { Skeleton } from './states.tsx';

interface KpiTileProps {
  definition: KpiDefinition;
  kpi: Kpi;
  /** The KPIs the figure belongs to: its date and population, for the lines under it. */
  kpis: Kpis;
  /** Oldest first; undefined while it loads, null where there is no history to draw. */
  trend?: readonly (number | null)[] | null;
}

/**
 * A KPI with who it is over, its value 90 days earlier and the change, coloured by whether the
 * change is good news; the ⓘ beside its name gives the whole definition.
 */
export function KpiTile({ definition, kpi, kpis, trend }: KpiTileProps) {
  const id = useId();
  const change = kpiChange(definition, kpi);
  const previousAsOf = kpis.previousAsOf;
  return (
    <article className="card kpi" aria-labelledby={id} data-testid={`kpi-${definition.name}`}>
      <div className="kpi-head">
        <h2 id={id}>{definition.label}</h2>
        <Definition term={definition.label} testId={`kpi-${definition.name}-definition`}>
          {definition.definition(kpis)}
        </Definition>
      </div>
      <p className="kpi-value" data-testid={`kpi-${definition.name}-value`} data-value={kpi.value ?? ''}>
        {formatKpiValue(definition.kind, kpi.value)}
      </p>
      <p className="kpi-population" data-testid={`kpi-${definition.name}-population`}>
        {definition.population(kpis)}
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
        {definition.history === false ? null : (
          <span className="muted">
            {kpi.previous !== null
              ? `vs ${formatKpiValue(definition.kind, kpi.previous)}${previousAsOf ? ` on ${formatDay(previousAsOf)}` : ''}`
              : 'no earlier value'}
          </span>
        )}
      </p>
      {definition.history === false || trend === null ? null : trend ? (
        <Sparkline values={trend} />
      ) : (
        <Skeleton height={36} />
      )}
    </article>
  );
}
