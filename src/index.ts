// The neutral spec is exported at the root: it is what every user writes.
export * from './spec';
// Each layer is a namespace, so that each cloud may have its own ContainerRegistry.
export * as tagging from './tagging';
export * as retention from './retention';
export * as promotion from './promotion';
export * as aws from './aws';
export * as gcp from './gcp';
export * as azure from './azure';
export * as harbor from './harbor';
