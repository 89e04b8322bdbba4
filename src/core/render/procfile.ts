// Procfile: `name: command` per line, `#` comments and blank lines ignored.
import { ConfigError, type ConfigProblem } from '../errors.js';
import { PROCESS_NAME } from '../config/schema-constants.js';

const LINE = /^([^:\s]+)\s*:\s*(.*)$/;
const NAME = new RegExp(PROCESS_NAME);

/** Process types in file order. Every bad line is reported at once, as `file:line:col`. */
export function parseProcfile(text: string, file = 'Procfile'): Record<string, string> {
  const processes: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const problem = (line: number, message: string, keyPath = '') => problems.push({ file, line, col: 1, keyPath, message });
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) return problem(i + 1, 'expected `name: command`');
    const [, name = '', command = ''] = m;
    if (!NAME.test(name) || name.length > 40) {
      return problem(i + 1, `process name "${name}" must be lowercase letters, digits and dashes (at most 40)`, name);
    }
    if (command.trim() === '') return problem(i + 1, `process ${name} has no command`, name);
    if (Object.prototype.hasOwnProperty.call(processes, name)) return problem(i + 1, `process ${name} is declared twice`, name);
    processes[name] = command.trim();
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return processes;
}
