import type { CohortRow } from '@retain/schemas';
import { quadraticForm } from './optimize.ts';
import { fitSbg, type SbgFit, type SurvivorCurve, sbgSurvival } from './shiftedBetaGeometric.ts';

/*
 * "In it or later" curves: the share of a cohort with a purchase in period k or after is a survival
 * curve, and the shifted-beta-geometric model projects it. A cohort of at least the minimum size
 * with two or more complete periods after its first gets its own fit; the rest use the fit pooled
 * over every cohort. A forecast starts from the cohort's last complete period K and carries its
 * share forward: value(k) = observed(K) · S(k) / S(K), so that the projection joins the data; its
 * interval adds the fit's parameter uncertainty (Laplace) to the binomial noise of who of the
 * survivors at K are still there at k.
 */

export interface SurvivalForecasts {
  oldestAge: number;
  forecasts: Array<{ at(k: number): { value: number; se: number }; pooled: boolean }>;
}

function curveOf(row: CohortRow): SurvivorCurve {
  const survivors: number[] = [];
  for (let k = 0; k < row.values.length; k++) {
    const value = row.values[k];
    if (!row.complete[k] || value === null || value === undefined) break;
    survivors.push(value * row.size);
  }
  return { survivors };
}

export function survivalForecasts(rows: CohortRow[], ownLevel: boolean[]): SurvivalForecasts | null {
  const curves = rows.map(curveOf);
  const pooledFit = fitSbg(curves);
  if (!pooledFit) return null;
  const oldestAge = Math.max(0, ...curves.map((c) => c.survivors.length - 1));
  return {
    oldestAge,
    forecasts: rows.map((row, i) => {
      const curve = curves[i] ?? { survivors: [] };
      const lastAge = curve.survivors.length - 1;
      const own = (ownLevel[i] ?? false) && lastAge >= 2 ? fitSbg([curve]) : null;
      const fit: SbgFit = own ?? pooledFit;
      const anchorAge = Math.max(0, lastAge);
      const anchor = lastAge >= 0 ? (curve.survivors[lastAge] ?? 0) / Math.max(row.size, 1) : 1;
      const ratio = (x: number[], k: number) => {
        const s = sbgSurvival({ alpha: Math.exp(x[0] ?? 0), beta: Math.exp(x[1] ?? 0) }, k);
        return (s[k] ?? 0) / (s[anchorAge] ?? 1);
      };
      const x = [Math.log(fit.params.alpha), Math.log(fit.params.beta)];
      return {
        pooled: own === null,
        at(k: number) {
          if (k <= anchorAge) return { value: anchor, se: 0 };
          const rho = ratio(x, k);
          const value = anchor * rho;
          let parameterVariance = 0;
          if (fit.covariance) {
            const h = 1e-4;
            const gradient = [0, 1].map((j) => {
              const shifted = (sign: number) =>
                ratio(
                  x.map((v, l) => (l === j ? v + sign * h : v)),
                  k,
                );
              return (anchor * (shifted(1) - shifted(-1))) / (2 * h);
            });
            parameterVariance = quadraticForm(gradient, fit.covariance);
          }
          const sampling = (anchor * rho * (1 - rho)) / Math.max(row.size, 1);
          return { value, se: Math.sqrt(parameterVariance + sampling) };
        },
      };
    }),
  };
}
