export * from './frames';
export * from './mirror-simulator';
export * from './screen.page';
export * from './screen.server';
