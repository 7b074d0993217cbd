import type { JsonSchema } from '@polybot/sdk';
import { Ajv, type ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PluginLoadError } from './errors.js';
import type { StrategyMeta } from './protocol.js';

const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  useDefaults: true,
  coerceTypes: false,
  validateFormats: false,
  logger: false,
} as const;

/** A fresh instance per schema: two strategies may reuse one `$id` without colliding. */
function validatorFor(schema: JsonSchema): Ajv | Ajv2020 {
  return typeof schema.$schema === 'string' && schema.$schema.includes('2020-12')
    ? new Ajv2020(AJV_OPTIONS)
    : new Ajv(AJV_OPTIONS);
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .map((error) => {
      const path = `params${error.instancePath.replace(/\//g, '.')}`;
      if (error.keyword === 'additionalProperties')
        return `${path} has an unknown key "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`;
      return `${path} ${error.message ?? 'is invalid'}`;
    })
    .join('; ');
}

/**
 * The params a strategy instance runs with: the deployment's `params` over the strategy's
 * `defaultParams`, validated against its `paramsSchema` (schema `default`s fill the gaps).
 * Throws a PluginLoadError naming each problem.
 */
export function resolveParams(
  plugin: string,
  meta: StrategyMeta,
  configured: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const params: Record<string, unknown> = structuredClone({
    ...(meta.defaultParams ?? {}),
    ...(configured ?? {}),
  });
  if (meta.paramsSchema === undefined) return params;

  let validate;
  try {
    const validator = validatorFor(meta.paramsSchema);
    validate = validator.compile(meta.paramsSchema as object);
  } catch (error) {
    throw new PluginLoadError(
      plugin,
      'params',
      `its paramsSchema is not a valid JSON Schema (${error instanceof Error ? error.message : String(error)})`,
      'fix paramsSchema in the strategy (this is a bug in the strategy, not in your config)',
      { cause: error },
    );
  }
  if (!validate(params)) {
    throw new PluginLoadError(
      plugin,
      'params',
      describe(validate.errors ?? []),
      `correct "params" for this strategy in the deployment config (its schema: ${JSON.stringify(meta.paramsSchema).slice(0, 300)})`,
    );
  }
  return params;
}
