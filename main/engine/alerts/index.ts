export * from './evaluate-alerts';
export * from './alert-center';
export * from './alert-file';
export * from './alert-facts';
