// CPU time spent during a run, per process that does the work: Nestor's (this process), the
// child processes it waited for (git), and the simulator's. Wall time alone says little on a
// shared, loaded machine; CPU per app says what the run itself costs.
import { readFileSync } from 'node:fs';
import type { SimProcess } from './world.js';

export interface CpuSpent {
  nestorMs: number;
  /** Ended child processes (git), from /proc (NaN where there is none). */
  childrenMs: number;
  simulatorMs: number;
  /** Requests the simulator received. */
  requests: number;
}

/** User + system CPU of this process's ended and waited-for children, from /proc/self/stat. */
function childrenCpuMs(): number {
  try {
    // Fields after the command's closing parenthesis: state is field 3, cutime 16, cstime 17.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Starts counting; the function returned tells the CPU spent since. */
export async function startCpuMeter(sim: SimProcess): Promise<() => Promise<CpuSpent>> {
  const [nestor, children, simulator] = [ownCpuMs(), childrenCpuMs(), await sim.usage()];
  return async () => {
    const now = await sim.usage();
    return { nestorMs: ownCpuMs() - nestor, childrenMs: childrenCpuMs() - children, simulatorMs: now.cpuMs - simulator.cpuMs, requests: now.requests - simulator.requests };
  };
}
