/**
 * @module CPU seconds of one engine command, split by process: the program (this process: the inline
 * Pulumi program runs here, and so does the Automation API's own work), the engine (`pulumi` processes)
 * and the dynamic-provider plugin (`node` processes), the last two from the /proc monitor's samples.
 * The exact total of the processes this one started and reaped (/proc/self/stat cutime + cstime) is kept
 * beside them, so that what the samples missed (up to one interval per process) shows.
 */
import fs from "node:fs";
import { cpuOfProcessesNamed, type TreeMemory } from "./process-tree-memory";

/** CPU seconds (user + system) of one engine command, by process. */
export interface PhaseCpu {
  /** This process, less the monitor's own sampling: the inline program, the SDK and the Automation API. */
  programSeconds: number;
  /** The `pulumi` engine processes (sampled). */
  engineSeconds: number;
  /** The provider plugin's `node` processes (sampled). */
  pluginSeconds: number;
  /** Every child process this one reaped meanwhile, with their own reaped children (exact; 0 without /proc). */
  childrenSeconds: number;
}

/** Starts a CPU window; `stop(memory)` closes it with what the process-tree monitor saw over the same span. */
export function startCpuWindow(): { stop(memory: TreeMemory): PhaseCpu } {
  const own = process.cpuUsage();
  const children = reapedChildrenCpuSeconds();
  return {
    stop(memory) {
      const spent = process.cpuUsage(own);
      return {
        programSeconds: Math.max(0, (spent.user + spent.system) / 1e6 - memory.monitorCpuSeconds),
        engineSeconds: cpuOfProcessesNamed(memory, "pulumi"),
        pluginSeconds: cpuOfProcessesNamed(memory, "node"),
        childrenSeconds: reapedChildrenCpuSeconds() - children,
      };
    },
  };
}

/** Clock ticks per second of /proc's times: 100 on every Linux architecture Node.js runs on. */
const clockTicksPerSecond = 100;

/** cutime + cstime of this process (fields 16 and 17 of /proc/self/stat), in seconds; 0 without /proc. */
function reapedChildrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // Fields after "pid (comm) " start at field 3: cutime is field 16, cstime field 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / clockTicksPerSecond;
  } catch {
    return 0;
  }
}
