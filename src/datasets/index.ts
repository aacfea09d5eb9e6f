/** Generators for the seed workloads' data (`tsdask/datasets`). */
export { generateStackLite } from './stacklite.js';
export type { StackLiteOptions } from './stacklite.js';
export { generateFlights, FLIGHT_COLUMNS } from './flights.js';
export type { FlightsOptions } from './flights.js';
export type { GeneratedFiles } from './writer.js';
