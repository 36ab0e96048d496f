/**
 * @module Peak memory of the processes this process starts (the `pulumi` engine and the dynamic-provider
 * plugin it runs), sampled from Linux's /proc while an engine command runs. The Automation API gives no
 * handle on its child, so the monitor finds every descendant of this process by parent id.
 *
 * Each process's peak is its kernel high-water mark (`VmHWM`), read at every sample: exact up to what it
 * reached after the last sample before it exited (one interval). The tree total is the largest sum of
 * current RSS (`VmRSS`) seen in one sample: what the machine had to hold at once.
 */
import fs from "node:fs";

/** One process's peak. */
export interface ProcessPeak {
  pid: number;
  /** `comm`: the executable's name, e.g. `pulumi` or `node`. */
  name: string;
  /** Its resident-set high-water mark, in bytes. */
  peakBytes: number;
  /** CPU time (user + system) it had used at the last sample that saw it, in seconds (exact to one interval). */
  cpuSeconds?: number;
}

/** What a monitoring window saw. */
export interface TreeMemory {
  /** Every descendant seen, largest peak first. */
  processes: ProcessPeak[];
  /** The largest sum of resident sets of all descendants in one sample, in bytes. */
  peakTotalBytes: number;
  /** How many samples were taken. */
  samples: number;
  /**
   * CPU seconds this process spent taking the samples (listing /proc, reading each process's files): part
   * of this process's CPU time that is the monitor's, not the measured program's.
   */
  monitorCpuSeconds: number;
}

/** True where /proc exposes what the monitor reads (Linux). */
export function canMonitorProcessTree(): boolean {
  return fs.existsSync(`/proc/${process.pid}/status`);
}

/** The largest peak among processes named `name` (`pulumi`: the engine), or 0 when none was seen. */
export function peakOfProcessesNamed(memory: TreeMemory, name: string): number {
  return Math.max(0, ...memory.processes.filter((p) => p.name === name).map((p) => p.peakBytes));
}

/** Starts sampling the descendants of `rootPid` every `intervalMs`; `stop()` takes a last sample and returns the peaks. */
export function monitorProcessTree(rootPid: number = process.pid, intervalMs = 100): { stop(): TreeMemory } {
  const peaks = new Map<number, ProcessPeak>();
  let peakTotalBytes = 0;
  let samples = 0;
  let monitorMicros = 0;
  const sample = () => {
    const before = process.cpuUsage();
    samples++;
    let total = 0;
    for (const pid of descendantsOf(rootPid)) {
      const status = readStatus(pid);
      if (!status) continue;
      total += status.rssBytes;
      const known = peaks.get(pid);
      const cpuSeconds = cpuSecondsOf(pid) ?? known?.cpuSeconds ?? 0;
      if (!known) peaks.set(pid, { pid, name: status.name, peakBytes: status.hwmBytes, cpuSeconds });
      else {
        if (status.hwmBytes > known.peakBytes) known.peakBytes = status.hwmBytes;
        known.cpuSeconds = cpuSeconds;
      }
    }
    if (total > peakTotalBytes) peakTotalBytes = total;
    const spent = process.cpuUsage(before);
    monitorMicros += spent.user + spent.system;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        processes: [...peaks.values()].sort((a, b) => b.peakBytes - a.peakBytes),
        peakTotalBytes,
        samples,
        monitorCpuSeconds: monitorMicros / 1e6,
      };
    },
  };
}

/** Every live process below `rootPid`, from each process's parent id in /proc/<pid>/stat. */
function descendantsOf(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === undefined) continue;
    const siblings = children.get(parent);
    if (siblings) siblings.push(Number(entry));
    else children.set(parent, [Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The CPU seconds of processes named `name`, summed (0 when none was seen). */
export function cpuOfProcessesNamed(memory: TreeMemory, name: string): number {
  return memory.processes.filter((p) => p.name === name).reduce((sum, p) => sum + (p.cpuSeconds ?? 0), 0);
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux architecture Node.js runs on. */
const clockTicksPerSecond = 100;

/** utime + stime of `pid`, from /proc/<pid>/stat (fields 14 and 15), in seconds. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "pid (comm) " start at field 3 (the state): utime is field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "pid (comm) ": the state, then the parent id. comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined; // exited between the listing and the read
  }
}

function readStatus(pid: number): { name: string; rssBytes: number; hwmBytes: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?", rssBytes: kib("VmRSS"), hwmBytes: kib("VmHWM") };
  } catch {
    return undefined;
  }
}
