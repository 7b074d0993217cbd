#!/usr/bin/env node
// The `polybot` binary. reflect-metadata must load before anything that declares tsyringe classes.
import 'reflect-metadata';
import { describeError } from '../errors.js';
import { processSecrets } from '../monitoring/index.js';
import { engineActions } from '../app/cli-actions.js';
import { ExitCode, runCli } from './program.js';

// A crash outside the command's own error handling still must not print a secret.
const crash = (error: unknown): void => {
  process.stderr.write(`polybot: fatal: ${processSecrets.scrubString(describeError(error))}\n`);
  process.exit(ExitCode.Failure);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await runCli(process.argv.slice(2), engineActions);
process.exitCode = code;
// Normally the event loop is empty by now and the process ends here, output flushed. A handle
// something forgot to close must not keep a stopped bot alive.
setTimeout(() => process.exit(code), 3000).unref();
