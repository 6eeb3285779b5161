// JSON or CSV for a report: `?format=` decides; without it the Accept header does (JSON unless the
// client prefers text/csv).
import type { Request, Response } from 'express';

export type ReportFormat = 'json' | 'csv';

export function reportFormat(req: Request, format: ReportFormat | undefined): ReportFormat {
  if (format) return format;
  return req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
}

/** Writes a CSV download (the file name is built from safe report fields only). */
export function sendCsv(res: Response, fileName: string, csv: string): void {
  res
    .status(200)
    .set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Cache-Control': 'private, no-store',
      Vary: 'Accept',
    })
    .send(csv);
}
