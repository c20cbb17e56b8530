export {};
export * from './neutral-evaluator';
export * from './ecr-evaluator';
