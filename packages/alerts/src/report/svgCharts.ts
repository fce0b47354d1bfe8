import type { CohortMatrix } from '@retain/schemas';
import type { TrendPoint } from './reportData.ts';

/*
 * The report's charts as SVG strings, drawn on the server without a browser: plain shapes and
 * text with inline attributes (no CSS, no scripts, no fonts to fetch), so that a mail client or a
 * PDF printer shows them as they are.
 */

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });
const percent1 = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const monthYear = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

export interface TrendSeries {
  key: keyof Omit<TrendPoint, 'asOf'>;
  label: string;
  color: string;
  dashed?: boolean;
}

/** A line per series over the trend's days, on one percentage axis from 0. */
export function trendSvg(
  points: readonly TrendPoint[],
  series: readonly TrendSeries[],
  title: string,
): string {
  const width = 640;
  const height = 280;
  const left = 48;
  const right = 16;
  const top = 16;
  const bottom = 64;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = points.flatMap((p) => series.map((s) => p[s.key])).filter((v): v is number => v !== null);
  const max = Math.max(0.1, Math.ceil(Math.max(0, ...values) * 10) / 10);
  const x = (i: number) => left + (points.length <= 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (let t = 0; t <= 5; t++) {
    const v = (max * t) / 5;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#6b7280" ${FONT}>${percent.format(v)}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    // Counted from the newest point, so that the last day is always labelled and none collide.
    if ((points.length - 1 - i) % every !== 0) return;
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11" fill="#6b7280" ${FONT}>${escapeXml(monthYear.format(new Date(`${p.asOf}T00:00:00Z`)))}</text>`,
    );
  });
  for (const s of series) {
    // Nulls break the line: a gap, never a dip to zero.
    let d = '';
    let pen = false;
    points.forEach((p, i) => {
      const v = p[s.key];
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    if (d)
      parts.push(
        `<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    points.forEach((p, i) => {
      const v = p[s.key];
      if (v === null) return;
      parts.push(
        `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"><title>${escapeXml(`${s.label}, ${p.asOf}: ${percent1.format(v)}`)}</title></circle>`,
      );
    });
  }
  let lx = left;
  for (const s of series) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${height - 18}" y2="${height - 18}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 24}" y="${height - 14}" font-size="11" fill="#374151" ${FONT}>${escapeXml(s.label)}</text>`,
    );
    lx += 30 + s.label.length * 6.2;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}

/** The colour of a retention share: white to deep blue. */
export function heatColor(value: number): string {
  const t = Math.max(0, Math.min(1, value));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(239, 29)},${mix(246, 78)},${mix(255, 216)})`;
}

/**
 * Cohorts by month of first order (rows) against months since (columns): the share of the cohort
 * that ordered in that month. A month not yet over by the data's end is drawn faint, in italics: a
 * value so far, not final.
 */
export function cohortHeatmapSvg(matrix: CohortMatrix, title: string): string {
  const offsets = Math.max(0, ...matrix.cohorts.map((c) => c.values.length));
  const cellW = 44;
  const cellH = 22;
  const labelW = 110;
  const top = 28;
  const width = labelW + offsets * cellW + 8;
  const height = top + matrix.cohorts.length * cellH + 8;
  const parts: string[] = [];
  for (let o = 0; o < offsets; o++) {
    parts.push(
      `<text x="${labelW + o * cellW + cellW / 2}" y="18" text-anchor="middle" font-size="11" fill="#6b7280" ${FONT}>M${o}</text>`,
    );
  }
  matrix.cohorts.forEach((c, r) => {
    const rowY = top + r * cellH;
    parts.push(
      `<text x="4" y="${rowY + 15}" font-size="11" fill="#374151" ${FONT}>${escapeXml(c.cohort)} (${c.size.toLocaleString('en-US')})</text>`,
    );
    c.values.forEach((v, o) => {
      if (v === null) return;
      const complete = c.complete[o] !== false;
      const cx = labelW + o * cellW;
      parts.push(
        `<rect x="${cx + 1}" y="${rowY + 1}" width="${cellW - 2}" height="${cellH - 2}" fill="${heatColor(v)}"${complete ? '' : ' fill-opacity="0.45"'}><title>${escapeXml(`${c.cohort}, month ${o}: ${percent1.format(v)}${complete ? '' : ' so far'}`)}</title></rect>`,
        `<text x="${cx + cellW / 2}" y="${rowY + 15}" text-anchor="middle" font-size="10" fill="${v > 0.55 ? '#ffffff' : '#111827'}"${complete ? '' : ' font-style="italic"'} ${FONT}>${percent.format(v)}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}
