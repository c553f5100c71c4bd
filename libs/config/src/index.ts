export * from './config.error';
export * from './env';
export * from './load-config';
export * from './shapes';
