export * from './docker-repository';
export * from './artifact-registry';
export * from './registry-identities';
export * from './github-workload-identity';
export * from './upstream-repositories';
export * from './terraform-checks';
export * from './gar-policy-plan';
export * from './access-matrix';
