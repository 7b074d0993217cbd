import winston from 'winston';
import { redact } from '../util/redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** The logger every component receives. winston's own type, narrowed to what we use. */
export type Logger = Pick<winston.Logger, 'error' | 'warn' | 'info' | 'debug' | 'child' | 'level'>;

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** JSON lines (default when stdout is not a TTY) or readable lines for people. */
  readonly json?: boolean;
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  readonly stream?: NodeJS.WritableStream;
  /** Keep nothing: for tests that don't want the noise. */
  readonly silent?: boolean;
}

/** Masks secret-looking fields and URL passwords in every line, whoever logged it. */
const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = redact(info[key]);
  }
  if (typeof info.message === 'string') info.message = redact(info.message);
  return info;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  const json = options.json ?? !process.stdout.isTTY;
  const format = json
    ? winston.format.combine(
        redactSecrets(),
        winston.format.timestamp(),
        winston.format.errors({ stack: false }),
        winston.format.json(),
      )
    : winston.format.combine(
        redactSecrets(),
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.colorize(),
        winston.format.printf(({ level, message, timestamp, component, ...rest }) => {
          const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          const scope = typeof component === 'string' ? ` [${component}]` : '';
          return `${String(timestamp)} ${level}${scope} ${String(message)}${fields}`;
        }),
      );
  const stream = options.stream ?? process.stderr;
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    format,
    transports: [new winston.transports.Stream({ stream })],
  });
}

/** A logger that drops everything; the default in unit tests. */
export function createSilentLogger(): Logger {
  return createLogger({ silent: true, json: true });
}
