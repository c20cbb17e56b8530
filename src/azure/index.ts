export * from './abac-condition';
export * from './access-matrix';
export * from './container-registry';
export * from './registry-identities';
export * from './purge-task';
export * from './cache-rules';
export * from './terraform-checks';
export * from './acr-policy-plan';
