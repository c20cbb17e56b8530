export * from './access-matrix';
export * from './container-registry';
export * from './harbor-validator';
export * from './terraform-checks';
export * from './warnings';
export * from './provider';
export * from './harbor-policy-plan';
export * from './harbor-project';
