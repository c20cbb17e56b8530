export {};
export * from './neutral-evaluator';
export * from './ecr-evaluator';
export * from './translation-report';
export * from './ecr-translation';
export * from './gar-evaluator';
export * from './acr-evaluator';
export * from './gar-translation';
export * from './acr-translation';
