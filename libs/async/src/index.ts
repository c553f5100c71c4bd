export * from './timeout';
