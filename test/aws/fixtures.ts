// Kept for test files of other folders that import the AWS helpers by their former name.
export * from './helpers';
