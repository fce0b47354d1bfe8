export * from './info.ts';
export * from './ingest.ts';
export * from './mapping.ts';
