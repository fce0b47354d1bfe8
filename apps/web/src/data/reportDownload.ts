/** The executive report as `alerts.report` hands it over: the file as base64, with what it reflects. */
export interface ReportFile {
  filename: string;
  contentType: string;
  base64: string;
  asOf: string | null;
  dataVersion: number;
}

/** The file's bytes (tRPC answers in JSON, so the server sends them as base64). */
export function reportBytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** What the page says once the file is saved: its name and the data it reflects. */
export function reportSavedText(report: Pick<ReportFile, 'filename' | 'asOf' | 'dataVersion'>): string {
  return report.asOf
    ? `Saved ${report.filename}: the report as of ${report.asOf}, data version ${report.dataVersion}.`
    : `Saved ${report.filename}: no orders are loaded yet (data version ${report.dataVersion}).`;
}
