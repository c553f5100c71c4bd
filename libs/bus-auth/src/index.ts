export * from './auth-directory';
export * from './bus-authority';
export * from './claims-update';
export * from './namespace';
export * from './nats-connection';
export * from './permissions';
export * from './server-config';
export * from './user-credential';
