export {};
export * from './neutral-evaluator';
