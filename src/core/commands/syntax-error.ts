// A command that cannot be parsed: bad input, never retried. The message is one line; `usage`
// is the usage line of the verb involved and `help` a longer text when the verb is unknown.
import { ErrorCode, NestorError } from '../errors.js';
import type { Verb } from './command.js';

export interface CommandSyntaxErrorOptions {
  verb?: Verb;
  usage?: string;
  /** The verb (or `config set`, ...) the user probably meant. */
  suggestion?: string;
  help?: string;
}

export class CommandSyntaxError extends NestorError {
  readonly verb: Verb | undefined;
  readonly usage: string | undefined;
  readonly suggestion: string | undefined;
  readonly help: string | undefined;

  constructor(message: string, options: CommandSyntaxErrorOptions = {}) {
    super(ErrorCode.BadInput, message, { detail: { verb: options.verb } });
    this.name = 'CommandSyntaxError';
    this.verb = options.verb;
    this.usage = options.usage;
    this.suggestion = options.suggestion;
    this.help = options.help;
  }
}
