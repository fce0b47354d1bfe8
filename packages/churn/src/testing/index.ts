export { type History, ingestHistory, openDemoWarehouse, openHistory } from './fixtures.ts';
export { type PlantedOptions, plantedHistory } from './plantedHistory.ts';
