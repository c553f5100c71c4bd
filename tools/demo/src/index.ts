export * from './customer';
export * from './managed-process';
export * from './system';
