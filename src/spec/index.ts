export * from './registry-spec';
export * from './naming';
export * from './tokens';
export * from './effective';
export * from './validate';
export * from './loader';
export * from './summary';
export * from './glob';
export * from './access-plan';
export * from './policy-plan';
export * from './access-model';
// ProblemsError extends Error, which jsii cannot export: it is reachable as lib/spec/problems (JavaScript and TypeScript users).
export { Problems } from './problems';
export * from './github-oidc';
export * from './contract';
