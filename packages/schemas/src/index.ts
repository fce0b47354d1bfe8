export * from './access.ts';
export * from './analytics.ts';
export * from './csv.ts';
export * from './info.ts';
export * from './ingest.ts';
export * from './mapping.ts';
export * from './sections.ts';
