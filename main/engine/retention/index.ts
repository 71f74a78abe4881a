export * from './retention-policy';
export * from './apply-retention';
