import { useMutation, useQuery } from '@tanstack/react-query';
import { readableErrorMessage } from '../data/apiErrors.ts';
import { downloadBlob } from '../data/chartImage.ts';
import { reportBytes, reportSavedText } from '../data/reportDownload.ts';
import { useTRPC } from '../trpc.ts';

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
      <button
        type="button"
        disabled={report.isPending}
        onClick={() => download('html')}
        data-testid="report-download-html"
      >
        {making === 'html' ? 'Making the report…' : 'Download report (HTML)'}
      </button>
      {formats.data?.pdf ? (
        <button
          type="button"
          disabled={report.isPending}
          onClick={() => download('pdf')}
          data-testid="report-download-pdf"
        >
          {making === 'pdf' ? 'Making the PDF…' : 'Download PDF'}
          <span className="visually-hidden"> of the report</span>
        </button>
      ) : null}
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
