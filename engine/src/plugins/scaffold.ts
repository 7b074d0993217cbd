import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { API_VERSION } from '@polybot/sdk';
import { ENGINE_DIR, findPackageDir, parsePackageSpec } from './discovery.js';
import { PluginLoadError } from './errors.js';
import { SDK_PACKAGE } from './manifest.js';

export interface ScaffoldOptions {
  /** The strategy's name (what `defineStrategy` declares): lower case, digits, `_` and `-`. */
  readonly name: string;
  /** npm package name; defaults to `polybot-strategy-<name>`. */
  readonly packageName?: string;
  readonly description?: string;
  /** Write into a folder that already has files (never overwrites an existing file). */
  readonly force?: boolean;
}

export interface ScaffoldResult {
  readonly dir: string;
  readonly packageName: string;
  /** Paths relative to `dir`. */
  readonly files: readonly string[];
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function sdkVersion(): string {
  const dir = findPackageDir(SDK_PACKAGE, ENGINE_DIR);
  if (dir !== null) {
    try {
      const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown })
        .version;
      if (typeof version === 'string') return version;
    } catch {
      // fall through to the API version
    }
  }
  return `${API_VERSION}.0.0`;
}

function packageJson(packageName: string, description: string, sdkRange: string): string {
  const pkg = {
    name: packageName,
    version: '0.1.0',
    description,
    type: 'module',
    license: 'MIT',
    keywords: ['polybot-strategy', 'polybot', 'polymarket', 'trading-strategy'],
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist/**/*.js', 'dist/**/*.d.ts', '!dist/**/*.test.*', 'README.md'],
    polybot: { apiVersion: API_VERSION, entry: './dist/index.js' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'npm run build && node --test dist/',
      prepublishOnly: 'npm test',
    },
    engines: { node: '>=20.10' },
    peerDependencies: { [SDK_PACKAGE]: sdkRange },
    devDependencies: { [SDK_PACKAGE]: sdkRange, '@types/node': '^20.19.0', typescript: '^5.9.3' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "declaration": true,
    "outDir": "dist",
    "rootDir": "src",
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["src"]
}
`;

function strategySource(name: string, description: string): string {
  return `import { buy, defineStrategy, ignore } from '@polybot/sdk';

export interface Params {
  /** A trade at or above this price qualifies. */
  readonly minPrice: number;
  /** A trade at or above this price does not (too little left to win). */
  readonly maxPrice: number;
  /** Dollars to spend per entry. */
  readonly positionSize: number;
}

/**
 * ${description}
 *
 * A strategy only decides: the engine has already filtered stale trades, weather markets and
 * markets ending soon, and it verifies the price, applies risk limits and places the order.
 * Keep evaluate() pure and fast: no I/O, no timers; it has a time budget (50 ms by default).
 */
export default defineStrategy<Params>({
  name: '${name}',
  version: '0.1.0',
  description: ${JSON.stringify(description)},
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minPrice: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      maxPrice: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      positionSize: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  defaultParams: { minPrice: 0.9, maxPrice: 0.98, positionSize: 10 },
  evaluate(ctx) {
    const { minPrice, maxPrice, positionSize } = ctx.params;
    const price = ctx.trigger.price;
    if (ctx.position !== null) return ignore(\`already holding \${ctx.position.size} shares in this market\`);
    if (price < minPrice || price >= maxPrice) return ignore(\`price \${price} is outside [\${minPrice}, \${maxPrice})\`);
    return buy(\`trade at \${price} is within [\${minPrice}, \${maxPrice})\`, { price, notional: positionSize });
  },
});
`;
}

const TEST_SOURCE = `import { test } from 'node:test';
import { expectSignal, StrategyHarness } from '@polybot/sdk/testing';
import strategy from './index.js';

// The harness runs the strategy the way the engine does (params merged over the defaults,
// every answer validated), in-process: no engine, database or venue needed.
const harness = new StrategyHarness(strategy);

test('buys a fresh print inside the price range', async () => {
  expectSignal(await harness.evaluate({ trigger: { price: 0.95 } }), { action: 'BUY', price: 0.95, notional: 10 });
});

test('ignores a print below the range and says why', async () => {
  expectSignal(await harness.evaluate({ trigger: { price: 0.5 } }), { action: 'IGNORE', reason: 'outside' });
});

test('ignores a market it already holds', async () => {
  expectSignal(await harness.evaluate({ trigger: { price: 0.95 }, position: { size: 10 } }), {
    action: 'IGNORE',
    reason: 'already holding',
  });
});

test('honours params from the deployment', async () => {
  const custom = new StrategyHarness(strategy, { minPrice: 0.5, positionSize: 25 });
  expectSignal(await custom.evaluate({ trigger: { price: 0.6 } }), { action: 'BUY', notional: 25 });
});
`;

function readme(name: string, packageName: string, description: string): string {
  return `# ${packageName}

${description}

A [polybot](https://www.npmjs.com/package/polybot) strategy, built on \`@polybot/sdk\`.

## Develop

\`\`\`bash
npm install
npm test          # builds, then runs src/*.test.ts with node:test and the SDK's testing kit
\`\`\`

Edit \`src/index.ts\`. \`evaluate(ctx)\` receives the market, the triggering trade, the order
book, your position and your params, and returns BUY / SELL / WATCH / IGNORE with a reason.

## Publish

\`\`\`bash
npm publish       # runs the tests first (prepublishOnly)
\`\`\`

The package.json already has what polybot checks before loading a strategy: the
\`polybot-strategy\` keyword, the \`polybot\` field (\`apiVersion\`, \`entry\`) and
\`@polybot/sdk\` as a peer dependency.

## Run

\`\`\`bash
npx polybot plugins add ${packageName}
npx polybot --strategy ${packageName}
\`\`\`

or, while developing, point polybot at this folder: \`npx polybot --strategy ./path/to/this/folder\`.
Params go in the deployment config:

\`\`\`json
{ "strategies": [{ "package": "${packageName}", "params": { "minPrice": 0.92 } }] }
\`\`\`

The strategy is named \`${name}\`; it runs in its own worker with no environment, no file access
outside its package and a time budget per evaluation.
`;
}

const GITIGNORE = `node_modules/
dist/
*.tgz
`;

/**
 * `polybot init-strategy <dir>`: writes a ready-to-publish strategy package — package.json with
 * the polybot field, keyword and SDK peer dependency, tsconfig, a working strategy, a test with
 * the SDK's kit and node:test (so it needs only the SDK, TypeScript and Node), and a README.
 */
export function scaffoldStrategy(dir: string, options: ScaffoldOptions): ScaffoldResult {
  const target = resolve(dir);
  if (!NAME_PATTERN.test(options.name)) {
    throw new PluginLoadError(
      options.name,
      'spec',
      'the strategy name must match /^[a-z0-9][a-z0-9_-]{0,63}$/',
      'use lower case letters, digits, "_" and "-", e.g. my_strategy',
    );
  }
  const packageName = options.packageName ?? `polybot-strategy-${options.name.replace(/_/g, '-')}`;
  const parsedName = parsePackageSpec(packageName);
  if (parsedName === null || parsedName.range !== null) {
    throw new PluginLoadError(
      packageName,
      'spec',
      'not a valid npm package name',
      'use e.g. @you/strategy-name',
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0 && options.force !== true) {
    throw new PluginLoadError(
      options.name,
      'config',
      `${target} is not empty`,
      'choose a new folder (or pass --force to add the missing files)',
    );
  }
  const description = options.description ?? `The ${options.name} strategy for polybot.`;
  const sdkRange = `^${sdkVersion()}`;
  const files: Record<string, string> = {
    'package.json': packageJson(packageName, description, sdkRange),
    'tsconfig.json': TSCONFIG,
    'src/index.ts': strategySource(options.name, description),
    'src/index.test.ts': TEST_SOURCE,
    'README.md': readme(options.name, packageName, description),
    '.gitignore': GITIGNORE,
  };
  const written: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const path = join(target, file);
    if (existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(file);
  }
  return { dir: target, packageName, files: written };
}
