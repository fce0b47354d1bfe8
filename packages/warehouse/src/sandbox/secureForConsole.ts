import os from 'node:os';
import { sqlString } from '../sql.ts';
import type { Warehouse } from '../Warehouse.ts';
import { prepareConsoleSchemas } from './consoleSchemas.ts';

export interface ConsoleSecurity {
  /** Folders DuckDB may still read files from (the dashboard's uploads); nothing else. */
  allowedDirectories?: string[];
  /**
   * DuckDB's memory limit for the whole process, e.g. "4GB" (the setting RETAIN_MEMORY_LIMIT); by
   * default half the machine's memory (DuckDB's own default is 80 %), so that no query, however
   * large, can take the machine's memory from everything else on it.
   */
  memoryLimit?: string;
}

/** The memory limit to use: the one configured, else half the machine's memory. */
export function defaultMemoryLimit(configured?: string): string {
  if (configured?.trim()) return configured.trim();
  return `${Math.floor(os.totalmem() / 2 / 2 ** 20)}MB`;
}

/**
 * Prepares a warehouse that will run other people's SQL: creates the console's views, then turns
 * off DuckDB's access to files and the network (but for `allowedDirectories`), caps its memory and
 * locks the configuration so no statement can undo any of it. Irreversible for this process.
 */
export async function secureForConsole(warehouse: Warehouse, security: ConsoleSecurity = {}): Promise<void> {
  await warehouse.writeEngine(async ({ connection: conn }) => {
    await prepareConsoleSchemas(conn);
    const dirs = (security.allowedDirectories ?? []).map((d) => sqlString(d.endsWith('/') ? d : `${d}/`));
    if (dirs.length > 0) await conn.run(`SET GLOBAL allowed_directories = [${dirs.join(', ')}]`);
    await conn.run('SET GLOBAL enable_external_access = false');
    const memoryLimit = security.memoryLimit ?? defaultMemoryLimit();
    try {
      await conn.run(`SET GLOBAL memory_limit = ${sqlString(memoryLimit)}`);
    } catch (error) {
      throw new Error(`memory limit "${memoryLimit}" (RETAIN_MEMORY_LIMIT): ${(error as Error).message}`);
    }
    await conn.run('SET GLOBAL lock_configuration = true');
  });
}
