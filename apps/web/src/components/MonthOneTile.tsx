import type { MonthOneRetention } from '@retain/schemas';
import { useId } from 'react';
import { MONTH_ONE_DEFINITION, MONTH_ONE_LABEL, monthOneTileText } from '../data/monthOneRetention.ts';
import { Definition } from './Definition.tsx';
import { Skeleton } from './states.tsx';

/** The month-1 retention headline as a KPI tile; undefined while it loads, null with no complete cohort. */
export function MonthOneTile({ latest }: { latest: MonthOneRetention | null | undefined }) {
  const id = useId();
  const text = latest ? monthOneTileText(latest) : null;
  return (
    <article className="card kpi" aria-labelledby={id} data-testid="kpi-monthOneRetention">
      <div className="kpi-head">
        <h2 id={id}>{MONTH_ONE_LABEL}</h2>
        <Definition term={MONTH_ONE_LABEL} testId="kpi-monthOneRetention-definition">
          {MONTH_ONE_DEFINITION}
        </Definition>
      </div>
      {latest === undefined ? (
        <Skeleton height={60} />
      ) : text === null ? (
        <p className="kpi-population">No monthly cohort has had its month 1 yet.</p>
      ) : (
        <>
          <p className="kpi-value" data-testid="kpi-monthOneRetention-value" data-value={latest?.value ?? ''}>
            {text.value}
          </p>
          <p className="kpi-population" data-testid="kpi-monthOneRetention-population">
            {text.population}
          </p>
          <p className="kpi-delta">
            {text.change ? (
              <span className={`delta ${text.change.verdict}`} data-testid="kpi-monthOneRetention-delta">
                <span aria-hidden="true">{text.change.arrow} </span>
                {text.change.text}
                <span className="visually-hidden">
                  {text.change.verdict === 'flat' ? ', about the same' : `, ${text.change.verdict}`}
                </span>
              </span>
            ) : null}
            <span className="muted">{text.comparison}</span>
          </p>
        </>
      )}
    </article>
  );
}
