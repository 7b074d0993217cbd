import winston from 'winston';
import { maskSecret } from '../util/redact.js';
import { isSecretField, maskSecretFields } from './secret-fields.js';
import { processSecrets, serializeError, type SecretScrubber } from './secret-scrubber.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** The logger every component receives. winston's own type, narrowed to what we use. */
export type Logger = Pick<winston.Logger, 'error' | 'warn' | 'info' | 'debug' | 'child' | 'level'>;

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** JSON lines (default when the stream is not a TTY) or readable lines for people. */
  readonly json?: boolean;
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  readonly stream?: NodeJS.WritableStream;
  /** Keep nothing: for tests that don't want the noise. */
  readonly silent?: boolean;
  /** Known secret values to remove from every line; defaults to the process-wide set. */
  readonly scrubber?: SecretScrubber;
}

/**
 * Two passes over every line, whoever logged it: values under secret field names and URL
 * passwords are masked (secret-fields.ts), then every registered secret value is removed wherever
 * it appears. Errors in fields become { name, message, code } — never their enumerable
 * properties, which for HTTP errors include request URLs and headers. Stacks at debug level only.
 */
function redactSecrets(scrubber: SecretScrubber, stacks: boolean): winston.Logform.Format {
  const serialize = (error: Error): unknown => serializeError(error, stacks);
  return winston.format((info) => {
    for (const key of Object.keys(info)) {
      if (key === 'level') continue;
      const value = info[key];
      const masked =
        key === 'message'
          ? value
          : isSecretField(key) && typeof value === 'string' && value !== ''
            ? maskSecret(value)
            : maskSecretFields(value, serialize);
      info[key] = scrubber.scrub(masked);
    }
    return info;
  })();
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const json = options.json ?? !(stream as { isTTY?: boolean }).isTTY;
  const level = options.level ?? 'info';
  const redaction = redactSecrets(options.scrubber ?? processSecrets, level === 'debug');
  const format = json
    ? winston.format.combine(
        winston.format.errors({ stack: level === 'debug' }),
        redaction,
        winston.format.timestamp(),
        winston.format.json(),
      )
    : winston.format.combine(
        winston.format.errors({ stack: level === 'debug' }),
        redaction,
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.colorize(),
        winston.format.printf(({ level: lvl, message, timestamp, component, stack, ...rest }) => {
          const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          const scope = typeof component === 'string' ? ` [${component}]` : '';
          const trace = typeof stack === 'string' ? `\n${stack}` : '';
          return `${String(timestamp)} ${lvl}${scope} ${String(message)}${fields}${trace}`;
        }),
      );
  return winston.createLogger({
    level,
    silent: options.silent ?? false,
    format,
    transports: [new winston.transports.Stream({ stream })],
  });
}

/** A logger that drops everything; the default in unit tests. */
export function createSilentLogger(): Logger {
  return createLogger({ silent: true, json: true });
}
