export * from './names';
export * from './nats-cleanup';
export * from './nats-server';
export * from './silent-logger';
export * from './test-database';
export * from './redis-server';
export * from './bus-creds';
