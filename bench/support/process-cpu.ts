import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of a process, and of its children already reaped, in seconds (Linux only). */
function cpuSecondsOf(pid: number): { own: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { own: (utime + stime + cutime + cstime) / TICKS_PER_SECOND, ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

/** CPU seconds used so far by a process and every direct child of it (e.g. a postmaster). */
export function cpuSecondsOfTree(root: number): number {
  let total = cpuSecondsOf(root)?.own ?? 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return total;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const usage = cpuSecondsOf(Number(entry));
    if (usage && usage.ppid === root) total += usage.own;
  }
  return total;
}

/** CPU seconds used so far by this process. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
