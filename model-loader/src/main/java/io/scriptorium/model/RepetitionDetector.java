package io.scriptorium.model;

/**
 * Detects a generation loop: the tail of the output is one unit of {@code minUnit..maxUnit} ids repeated back to
 * back at least {@code minRepeats} times, spanning at least {@code minSpan} ids. O(maxUnit) per token: for every unit
 * length u
 * it keeps how many trailing ids equal the id u positions earlier.
 */
final class RepetitionDetector {
  private final int minUnit;
  private final int maxUnit;
  private final int minRepeats;
  private final int minSpan;
  /** run[u] = count of trailing positions i with ids[i] == ids[i - u]. */
  private final int[] run;
  private int[] ids = new int[64];
  private int size;

  RepetitionDetector(Manifest.Repetition settings) {
    this(settings.minUnitTokens(), settings.maxUnitTokens(), settings.minRepeats(), settings.minSpanTokens());
  }

  RepetitionDetector(int minUnit, int maxUnit, int minRepeats, int minSpan) {
    this.minUnit = minUnit;
    this.maxUnit = maxUnit;
    this.minRepeats = minRepeats;
    this.minSpan = minSpan;
    this.run = new int[maxUnit + 1];
  }

  /** Adds the next generated id; returns true when the tail is now a loop. */
  boolean add(int id) {
    if (size == ids.length) {
      ids = java.util.Arrays.copyOf(ids, size * 2);
    }
    ids[size] = id;
    boolean loop = false;
    for (int u = 1; u <= maxUnit && u <= size; u++) {
      run[u] = ids[size] == ids[size - u] ? run[u] + 1 : 0;
      if (u >= minUnit) {
        // a periodic tail of length run + u holds (run + u) / u whole units
        int repeats = (run[u] + u) / u;
        if (repeats >= minRepeats && repeats * u >= minSpan) {
          loop = true;
        }
      }
    }
    size++;
    return loop;
  }
}
