import { useMutation, useQuery } from '@tanstack/react-query';
import { readableErrorMessage } from '../data/apiErrors.ts';
import { downloadBlob } from '../data/chartImage.ts';
import { reportBytes, reportSavedText } from '../data/reportDownload.ts';
import { useTRPC } from '../trpc.ts';

/** HTML always; PDF only where the server has Chromium (alerts.reportFormats). */
const FORMATS = [
  { format: 'html', label: 'Download report (HTML)' },
  { format: 'pdf', label: 'Download report (PDF)' },
] as const;

/**
 * Download report: the executive report made now, the page the weekly schedule sends (HTML, or PDF
 * where the server has Chromium), saved by the browser and ready to forward.
 */
export function ReportDownload() {
  const trpc = useTRPC();
  const formats = useQuery(trpc.alerts.reportFormats.queryOptions());
  const report = useMutation(trpc.alerts.report.mutationOptions());
  const download = (format: 'html' | 'pdf') =>
    report.mutate(
      { format },
      {
        onSuccess: (file) =>
          downloadBlob(new Blob([reportBytes(file.base64)], { type: file.contentType }), file.filename),
      },
    );
  const making = report.isPending ? report.variables?.format : null;
  return (
    <div className="row report-download">
      {FORMATS.filter((f) => f.format === 'html' || formats.data?.pdf).map((f) => (
        <button
          key={f.format}
          type="button"
          disabled={report.isPending}
          onClick={() => download(f.format)}
          data-testid={`report-download-${f.format}`}
        >
          {making === f.format ? 'Making the report…' : f.label}
        </button>
      ))}
      <span role="status" className="muted small" data-testid="report-download-status">
        {report.isError
          ? readableErrorMessage(report.error)
          : report.data
            ? reportSavedText(report.data)
            : ''}
      </span>
    </div>
  );
}
