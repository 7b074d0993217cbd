import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';

/**
 * One ajv instance for ingestion. Schemas are compiled once, at module load, never per message.
 * `allErrors` stays off: the first problem is enough to name what was wrong, and it is faster.
 */
const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: true });

export type Validator<T> = ValidateFunction<T>;

export function compileSchema<T>(schema: SchemaObject): Validator<T> {
  return ajv.compile<T>(schema);
}

/** "bids/3/price must be string": the first error, with its JSON path, for logs and error messages. */
export function describeValidationErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'invalid';
  const path = first.instancePath === '' ? '(root)' : first.instancePath.slice(1);
  return `${path} ${first.message ?? 'is invalid'}`;
}
