export * from './workflow-variables';
export * from './promotion-plan';
export * from './promotion-script';
export * from './build-tags-script';
export * from './workflow';
export * from './action-pins';
