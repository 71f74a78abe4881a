export * from './history-store';
export * from './run-events';
export type * from './timeline-sink';
export * from './json-state-file';
export * from './run-log';
