import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError } from '../errors.js';

/**
 * The deployment schema lives in config/schema.json (the file editors complete against). The build
 * copies it beside this module into engine/dist/config; in a source checkout that was compiled
 * without the copy step, the repository's own config/ folder is the fallback.
 */
const SCHEMA_LOCATIONS = [
  new URL('./schema.json', import.meta.url),
  new URL('../../../config/schema.json', import.meta.url),
];

export function deploymentSchemaPath(): string {
  for (const location of SCHEMA_LOCATIONS) {
    const path = fileURLToPath(location);
    if (existsSync(path)) return path;
  }
  throw new ConfigError(
    `the deployment schema is missing (looked for ${SCHEMA_LOCATIONS.map((l) => fileURLToPath(l)).join(', ')}); run \`npm run build\``,
  );
}

/** A deployment file shipped with the engine (default.json, demo.json, live.example.json). */
export function bundledConfigFile(name: string): string {
  const candidates = [
    new URL(`./${name}`, import.meta.url),
    new URL(`../../../config/${name}`, import.meta.url),
  ];
  for (const location of candidates) {
    const path = fileURLToPath(location);
    if (existsSync(path)) return path;
  }
  throw new ConfigError(`the bundled config file ${name} is missing; run \`npm run build\``);
}

/**
 * One ajv setup for the config area: every error at once, strict about the schemas themselves.
 * `verbose` gives errors their parent schema (for "did you mean" hints); it also attaches the
 * offending data, which is why no caller ever prints an error object as a whole.
 */
export function createConfigAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addFormat('uri', {
    type: 'string',
    validate: (value: string) => {
      try {
        new URL(value);
        return true;
      } catch {
        return false;
      }
    },
  });
  return ajv;
}

let deploymentValidator: ValidateFunction | undefined;
let deploymentSchema: Record<string, unknown> | undefined;

export function loadDeploymentSchema(): Record<string, unknown> {
  deploymentSchema ??= JSON.parse(readFileSync(deploymentSchemaPath(), 'utf8')) as Record<string, unknown>;
  return deploymentSchema;
}

function validator(): ValidateFunction {
  deploymentValidator ??= createConfigAjv().compile(loadDeploymentSchema());
  return deploymentValidator;
}

/** A schema violation: where (a JSON Pointer into the validated document) and what is wrong. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** Validates a (partial) deployment document; returns every problem, empty when it is valid. */
export function validateDeployment(document: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(document)) return [];
  const errors = validate.errors ?? [];
  // A value that is not a URL at all fails both `format` and the scheme `pattern`; say it once.
  const notUrls = new Set(errors.filter((e) => e.keyword === 'format').map((e) => e.instancePath));
  return errors
    .filter((e) => !(e.keyword === 'pattern' && notUrls.has(e.instancePath)))
    .map(describeSchemaError);
}

export function describeSchemaError(error: ErrorObject): SchemaProblem {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(
        ((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ??
          {}) as object,
      ).filter((k) => k !== '$schema');
      const suggestion = closest(key, allowed);
      return {
        path: `${error.instancePath}/${escapePointer(key)}`,
        message:
          `unknown key "${key}"` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : '') +
          (allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''),
      };
    }
    case 'required':
      return { path, message: `missing required key "${String(params.missingProperty)}"` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'format':
      return {
        path,
        message: params.format === 'uri' ? 'must be a valid URL' : `must be a ${String(params.format)}`,
      };
    case 'type':
      return { path, message: `must be ${[params.type].flat().join(' or ')}` };
    case 'pattern': {
      const schemes = urlSchemes(String(params.pattern));
      if (schemes)
        return { path, message: `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}` };
      return { path, message: `must match ${String(params.pattern)}` };
    }
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** The schemes a URL pattern such as ^(https|http)://… or ^postgres(ql)?://… allows. */
function urlSchemes(pattern: string): string[] | null {
  const alternatives = /^\^\(([a-z|]+)\):\/\//.exec(pattern);
  if (alternatives?.[1] !== undefined) return alternatives[1].split('|');
  const optional = /^\^([a-z]+)\(([a-z]+)\)\?:\/\//.exec(pattern);
  if (optional?.[1] !== undefined && optional[2] !== undefined)
    return [optional[1], optional[1] + optional[2]];
  return null;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The allowed key closest to a mistyped one, when it is close enough to be a typo. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
