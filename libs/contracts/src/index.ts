export * from './contract';
export * from './contract-violation.error';
export * from './events';
export * from './mirror';
export * from './primitives';
export * from './reply';
export * from './requests';
export * from './streams';
