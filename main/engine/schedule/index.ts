export * from './slots';
export * from './schedule-state';
export * from './schedule-file';
export * from './scheduler';
export * from './schedule-merge';
