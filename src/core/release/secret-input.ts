// Secret values on their way to a Kubernetes Secret. The holder keeps them in a private field:
// serialised (job data, JSON logs) or printed, it shows the names only, so a value can't leak
// by being passed around with the rest of an input.
import { checkVariableName } from '../config/edit-args.js';
import { ErrorCode, NestorError } from '../errors.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class SecretValues {
  readonly #values: ReadonlyMap<string, string>;

  private constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
  }

  /** From `KEY -> value`; names are checked (the message names the key, never the value). */
  static of(values: Readonly<Record<string, string>>): SecretValues {
    const entries = Object.entries(values);
    if (entries.length === 0) throw new NestorError(ErrorCode.BadInput, 'give at least one KEY=VALUE');
    for (const [key] of entries) checkVariableName(key);
    return new SecretValues(new Map(entries));
  }

  /** The names, in the order given. */
  names(): string[] {
    return [...this.#values.keys()];
  }

  /** `KEY -> base64(value)`, as a Secret's `data` holds them. */
  base64(): Record<string, string> {
    return Object.fromEntries([...this.#values].map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
  }

  toJSON(): { secrets: string[] } {
    return { secrets: this.names() };
  }

  toString(): string {
    return `[secret values of ${this.names().join(', ')}]`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
