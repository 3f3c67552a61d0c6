package io.scriptorium.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What the machine is and how busy it is: figures are only comparable at similar load. */
public final class Host {
  private Host() {}

  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** 1-minute load average from /proc/loadavg; NaN where there is none. */
  public static double load() {
    try {
      return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  /** "2 cores (model), load 9.3" for notes. */
  public static String describe() {
    return cores() + " cores (" + cpuModel() + "), load " + String.format(java.util.Locale.ROOT, "%.1f", load());
  }

  /** Resident set size of this process in KiB, from /proc/self/status; -1 where there is none. */
  public static long rssKb() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return -1;
  }

  /** CPU time of this whole process (all threads, GC and JIT included), in nanoseconds. */
  public static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /** The Debian interpreter that has numpy and Pillow (the one on PATH may not), else python3. */
  public static String python() {
    Path debian = Paths.get("/usr/bin/python3");
    return Files.isExecutable(debian) ? debian.toString() : "python3";
  }
}
