import path from 'node:path';
import { parseTrinoUrl } from '@retain/trino/engineUrl';
import type { MapTablesSummary } from '@retain/trino/mapTables';
import { checkedCurrency, parseMapping, readMappingJson } from '@retain/warehouse';

export interface MapEngineTablesOptions {
  /** The engine URL (--engine or RETAIN_ENGINE). */
  engine: string;
  /** RETAIN_TRINO_PASSWORD: sent only over HTTPS. */
  password?: string | undefined;
  /** The mapping file whose sections name tables on that cluster. */
  mapping: string;
  /** The currency of the amounts (--currency), which wins over the mapping's "currency". */
  currency?: string | undefined;
}

/**
 * Maps a mapping file's tables in place on a Trino cluster: Retain's canonical views (purchases,
 * returns, complaints, customers) in the engine URL's schema, created only when every table,
 * column and value passed its check on the cluster (see mapTables), with the currency of the
 * amounts beside them (the view retain_settings; see `engineCurrency`). The Trino client is loaded
 * only here, when a cluster is used.
 */
export async function mapEngineTables(options: MapEngineTablesOptions): Promise<MapTablesSummary> {
  const target = parseTrinoUrl(options.engine, { password: options.password });
  const label = path.basename(options.mapping);
  const mapping = parseMapping(readMappingJson(options.mapping), label);
  const currency = options.currency === undefined ? undefined : checkedCurrency(options.currency);
  const [{ TrinoDb }, { mapTables }] = await Promise.all([
    import('@retain/trino'),
    import('@retain/trino/mapTables'),
  ]);
  return mapTables(new TrinoDb(target, { password: options.password }), target, mapping, {
    label,
    currency,
  });
}

/** Whether a mapping file's sections all name tables (read in place on a cluster) rather than files. */
export function mappingNamesTables(mappingPath: string): boolean {
  const json = readMappingJson(mappingPath);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const sections = Object.entries(json).filter(([key]) => key !== 'currency');
  return (
    sections.length > 0 &&
    sections.every(([, value]) => value !== null && typeof value === 'object' && 'table' in value)
  );
}
