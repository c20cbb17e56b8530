export * from './oci-tag';
export * from './build-tags';
export * from './tag-policy-decision';
export * from './tag-lint';
