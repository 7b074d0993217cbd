import { readFileSync, statSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { createConfigAjv, describeSchemaError } from './schema.js';
import type { PolymarketCreds } from './types.js';

const PRIVATE_KEY_PATTERN = '^(0x)?[0-9a-fA-F]{64}$';

/** The seed's creds file format, strictly: a typo'd key is an error rather than a silently missing value. */
const CREDS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['api_key', 'api_secret', 'api_passphrase'],
  properties: {
    api_key: { type: 'string', minLength: 1 },
    api_secret: { type: 'string', minLength: 1 },
    api_passphrase: { type: 'string', minLength: 1 },
    private_key: { type: 'string', pattern: PRIVATE_KEY_PATTERN },
    funder: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' },
    signature_type: { enum: [0, 1, 2] },
    host: { type: 'string', format: 'uri' },
    chain_id: { type: 'integer', minimum: 1 },
  },
} as const;

let credsValidator: ValidateFunction | undefined;

export type CredsFileStatus = 'loaded' | 'missing' | 'invalid';

export interface CredsFileResult {
  readonly path: string;
  readonly status: CredsFileStatus;
  readonly creds: PolymarketCreds | null;
  /** Each names the file and the problem, never a secret value. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Reads polymarket_api_creds.json. A missing file is not an error here (dry-run needs none; the
 * loader decides for live mode). Nothing from the file's content is ever quoted back: JSON syntax
 * errors are reported by line and column only.
 */
export function readCredsFile(path: string): CredsFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, status: 'missing', creds: null, problems: [], warnings: [] };
    const why =
      code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES'
          ? 'is not readable (permission denied)'
          : `cannot be read (${code ?? 'unknown error'})`;
    return invalid(path, [`creds file ${path} ${why}`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return invalid(path, [`creds file ${path} is not valid JSON${jsonErrorLocation(error, text)}`]);
  }
  credsValidator ??= createConfigAjv().compile(CREDS_SCHEMA);
  if (!credsValidator(document)) {
    const problems = (credsValidator.errors ?? []).map((e) => {
      const { path: pointer, message } = describeSchemaError(e);
      // Pattern errors would print the pattern, not the value; make them readable instead.
      const readable =
        e.keyword === 'pattern'
          ? pointer === '/private_key'
            ? 'must be 64 hex digits, optionally 0x-prefixed'
            : 'must be a 0x-prefixed 40-hex-digit address'
          : message;
      return `creds file ${path} ${pointer}: ${readable}`;
    });
    return invalid(path, problems);
  }
  const creds = document as PolymarketCreds;
  const placeholders = placeholderFields(creds);
  if (placeholders.length > 0)
    return invalid(
      path,
      placeholders.map(
        (field) => `creds file ${path} /${field}: still holds the example's placeholder; fill in your own`,
      ),
    );
  return { path, status: 'loaded', creds, problems: [], warnings: permissionWarnings(path) };
}

/** Fields still as polymarket_api_creds.json.example has them (a copied, unfilled example). */
function placeholderFields(creds: PolymarketCreds): string[] {
  const fields: string[] = [];
  for (const field of ['api_key', 'api_secret', 'api_passphrase'] as const)
    if (creds[field].startsWith('your-')) fields.push(field);
  if (creds.private_key !== undefined && /^(0x)?0+$/.test(creds.private_key)) fields.push('private_key');
  return fields;
}

function invalid(path: string, problems: string[]): CredsFileResult {
  return { path, status: 'invalid', creds: null, problems, warnings: [] };
}

function permissionWarnings(path: string): string[] {
  try {
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0)
      return [
        `creds file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`,
      ];
  } catch {
    // It was readable a moment ago; a stat race is not worth a warning.
  }
  return [];
}

/** " at line L column C" from a JSON.parse error, without the excerpt of the text V8 may include. */
export function jsonErrorLocation(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const match = /position (\d+)/.exec(message);
  if (match?.[1] !== undefined) {
    const position = Number(match[1]);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return ` (syntax error at line ${line} column ${column})`;
  }
  if (/end of JSON input/i.test(message)) return ' (unexpected end of file)';
  return '';
}

/** 0x-prefixed, as ethers v5 expects. */
export function normalizePrivateKey(key: string): string {
  return key.startsWith('0x') ? key : `0x${key}`;
}

export function isPrivateKey(value: string): boolean {
  return new RegExp(PRIVATE_KEY_PATTERN).test(value);
}
