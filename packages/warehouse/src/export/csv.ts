// The CSV writer is shared with the dashboard's downloads, so it lives in @retain/schemas (no DuckDB).
export { type CsvValue, csvField, csvLine, UTF8_BOM } from '@retain/schemas';
