export { type History, ingestHistory, openDemoWarehouse, openHistory } from './fixtures.ts';
