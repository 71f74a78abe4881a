export * from './retention-policy';
export * from './apply-retention';
export * from './retention-runner';
export * from './own-keys';
export * from './leftovers';
