export * from './consumer.runner';
export * from './decorators';
export * from './errors';
export * from './namespace';
export * from './nats.client';
export * from './nats.module';
export * from './request-mux';
