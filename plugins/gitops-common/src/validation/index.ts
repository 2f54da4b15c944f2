export { validate, ResourceValidator, type ValidateOptions } from './validate';
export { KIND_SCHEMAS } from './schemas';
