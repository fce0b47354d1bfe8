import { type Sql, sql } from '@retain/warehouse';

/**
 * DuckDB's settings for a call-list export in a process of its own: one thread, a small memory
 * limit (the ranking spills to a temporary file beside the database), and memory handed back to
 * the system as soon as it is freed.
 */
export function exportSettingsSql(memoryMb: number): Sql {
  if (!Number.isInteger(memoryMb) || memoryMb < 1) throw new RangeError(`memory limit ${memoryMb} MB`);
  return sql.raw(`
  SET threads = 1;
  SET memory_limit = '${memoryMb}MB';
  SET allocator_flush_threshold = '1MB';
  SET allocator_bulk_deallocation_flush_threshold = '1MB';`);
}
