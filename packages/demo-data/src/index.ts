export {
  churnHorizonDays,
  type DemoOptions,
  type DemoSummary,
  demoHeaders,
  generateDemo,
} from './generateDemo.ts';
export {
  type Channel,
  type ComplaintCategory,
  channels,
  complaintCategories,
  type DemoParameters,
  demoParameters,
  type ProductCategory,
  productCategories,
  type Region,
  regions,
} from './parameters.ts';
export {
  type ChurnPosterior,
  type CustomerHistory,
  type HistoryComplaint,
  type HistoryOrder,
  PosteriorModel,
  type PosteriorOptions,
  posteriorChurnProbability,
} from './posterior.ts';
export {
  controlDraw,
  type ProgramParameters,
  programHeaders,
  programParameters,
} from './simulateProgram.ts';
