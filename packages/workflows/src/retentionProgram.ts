import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { latestScoresCount } from '@retain/churn';
import {
  type CallListCsvResult,
  type ExportResult,
  loadCallLists,
  refreshUpliftModel,
  type StagedFacts,
  saveCallList,
} from '@retain/outreach';
import type { CallListFilters, CallListSummary, ListSettings, SavedList } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import {
  type CallListFileOptions,
  type CallListStreamOptions,
  exportCallListFile,
  exportMemoryMb,
  MAX_EXPORT_MB,
  streamCallList,
} from './callListExport.ts';
import type { Requester } from './requester.ts';
import { exportSettingsSql } from './sql/exportSettings.ts';

/** A saved list and what was written of it: the customers to call, never the control group. */
export interface SavedListExport<R> {
  /** The list as saved, with the summary of the call list it was cut from (today's counts). */
  list: SavedList & { summary: CallListSummary };
  result: R;
}

/**
 * Saves the call list the filters give with its control group (the uplift model refitted first
 * when more lists have matured, so the list is ranked by the freshest estimate), then writes the
 * customers to call to `outFile`. Both the list and the export are audited.
 */
export async function saveAndExportCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  outFile: string,
  options: CallListFileOptions & { list?: Partial<ListSettings> },
): Promise<SavedListExport<ExportResult>> {
  // The list is ranked once more to be saved: in the same small memory as the export that follows.
  // Saving ranks it with the control draw and a window over the whole list: should the memory fall
  // short, it doubles and the save starts again (its transaction left nothing behind).
  // Twice the export's: the save ranks the whole list with its control draw in one window.
  let memoryMb = Math.min(2 * exportMemoryMb(await latestScoresCount(warehouse)), MAX_EXPORT_MB);
  let list: SavedList & { summary: CallListSummary };
  for (;;) {
    await warehouse.write((db) => db.run(exportSettingsSql(memoryMb)));
    try {
      list = await saveList(warehouse, filters, options.requester, options.list, options.facts);
      break;
    } catch (error) {
      if (!(error instanceof Error && /Out of Memory Error/.test(error.message)) || memoryMb >= MAX_EXPORT_MB)
        throw error;
      const more = Math.min(memoryMb * 2, MAX_EXPORT_MB);
      options.onMemoryRaised?.(memoryMb, more);
      memoryMb = more;
    }
  }
  const result = await exportCallListFile(warehouse, filters, outFile, { ...options, listId: list.listId });
  return { list, result };
}

/** saveAndExportCallList to a stream (standard output, a download). */
export async function saveAndStreamCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  out: Writable,
  options: CallListStreamOptions & { list?: Partial<ListSettings> },
): Promise<SavedListExport<CallListCsvResult>> {
  const list = await saveList(warehouse, filters, options.requester, options.list, options.facts);
  const result = await streamCallList(warehouse, filters, out, {
    ...options,
    listId: list.listId,
    detail: { ...options.detail, listId: list.listId },
  });
  return { list, result };
}

/** Saves the list (refitting the uplift model first if due) and audits it. */
export async function saveList(
  warehouse: Warehouse,
  filters: CallListFilters,
  requester: Requester,
  settings: Partial<ListSettings> = {},
  facts: StagedFacts | null = null,
): Promise<SavedList & { summary: CallListSummary }> {
  await refreshUpliftModel(warehouse);
  return saveCallList(warehouse, filters, { settings, requester, facts });
}

/**
 * The demo's past call lists (call_lists.csv and its companions in `dir`, when the generator wrote
 * them), then the uplift model if enough of them have matured. Returns the lists added.
 */
export async function loadDemoProgram(
  warehouse: Warehouse,
  dir: string,
  requester: Requester,
): Promise<number> {
  const files = {
    lists: path.join(dir, 'call_lists.csv'),
    members: path.join(dir, 'call_list_members.csv'),
    outcomes: path.join(dir, 'contact_outcomes.csv'),
  };
  if (!fs.existsSync(files.lists)) return 0;
  const added = await loadCallLists(warehouse, files, requester);
  await refreshUpliftModel(warehouse);
  return added;
}
