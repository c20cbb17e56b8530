export * from './registry-spec';
export * from './naming';
export * from './tokens';
export * from './effective';
export * from './validate';
export * from './loader';
export * from './summary';
