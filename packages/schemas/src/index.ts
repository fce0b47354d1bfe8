export * from './info.ts';
export * from './ingest.ts';
export * from './mapping.ts';
export * from './access.ts';
export * from './csv.ts';
