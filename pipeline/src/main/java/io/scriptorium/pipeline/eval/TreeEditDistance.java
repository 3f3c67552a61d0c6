package io.scriptorium.pipeline.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Zhang and Shasha's ordered tree edit distance (SIAM J. Comput. 18(6), 1989): the cheapest sequence of node
 * deletions, insertions and renames turning one ordered tree into another, by dynamic programming over the
 * "keyroots" of both trees. Time O(|T1| |T2| min(depth1, leaves1) min(depth2, leaves2)), memory O(|T1| |T2|).
 *
 * @param <N> node type
 */
public final class TreeEditDistance<N> {
  /** The tree shape and the edit costs. */
  public interface Model<N> {
    List<N> children(N node);

    double delete(N node);

    double insert(N node);

    double rename(N from, N to);
  }

  /** Above this many node pairs the distance is refused (two tables of doubles that size take 144 MB). */
  public static final long MAX_PAIRS = 9_000_000L;

  private final Model<N> model;

  public TreeEditDistance(Model<N> model) {
    this.model = model;
  }

  /** Nodes of a tree in post-order, with each node's leftmost leaf (both 0-based post-order indices). */
  private final class Indexed {
    final List<N> nodes = new ArrayList<>();
    final List<Integer> leftmost = new ArrayList<>();
    int[] keyroots;

    Indexed(N root) {
      visit(root);
      int n = nodes.size();
      // keyroots: the highest node of each distinct leftmost leaf (no later node shares it), ascending
      boolean[] seen = new boolean[n];
      List<Integer> roots = new ArrayList<>();
      for (int i = n - 1; i >= 0; i--) {
        int l = leftmost.get(i);
        if (!seen[l]) {
          seen[l] = true;
          roots.add(i);
        }
      }
      keyroots = roots.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Iterative post-order, so deep trees cannot overflow the stack. */
    private void visit(N root) {
      List<Object[]> stack = new ArrayList<>();
      stack.add(new Object[] {root, 0, -1});
      while (!stack.isEmpty()) {
        Object[] top = stack.get(stack.size() - 1);
        @SuppressWarnings("unchecked")
        N node = (N) top[0];
        int next = (Integer) top[1];
        List<N> kids = model.children(node);
        if (next < kids.size()) {
          top[1] = next + 1;
          stack.add(new Object[] {kids.get(next), 0, -1});
        } else {
          stack.remove(stack.size() - 1);
          int index = nodes.size();
          int first = (Integer) top[2];
          nodes.add(node);
          leftmost.add(first < 0 ? index : first);
          if (!stack.isEmpty()) {
            Object[] parent = stack.get(stack.size() - 1);
            if ((Integer) parent[2] < 0) {
              parent[2] = first < 0 ? index : first;
            }
          }
        }
      }
    }

    int size() {
      return nodes.size();
    }
  }

  /** Number of nodes of a tree. */
  public int size(N root) {
    return new Indexed(root).size();
  }

  /** The edit distance from {@code a} to {@code b}. */
  public double distance(N a, N b) {
    Indexed t1 = new Indexed(a);
    Indexed t2 = new Indexed(b);
    int n = t1.size();
    int m = t2.size();
    if ((long) n * m > MAX_PAIRS) {
      throw new IllegalArgumentException("trees of " + n + " and " + m + " nodes are too large to compare");
    }
    double[][] tree = new double[n][m];
    double[][] forest = new double[n + 1][m + 1];
    int[] l1 = t1.leftmost.stream().mapToInt(Integer::intValue).toArray();
    int[] l2 = t2.leftmost.stream().mapToInt(Integer::intValue).toArray();
    double[] del = new double[n];
    double[] ins = new double[m];
    for (int i = 0; i < n; i++) {
      del[i] = model.delete(t1.nodes.get(i));
    }
    for (int j = 0; j < m; j++) {
      ins[j] = model.insert(t2.nodes.get(j));
    }
    for (int ki : t1.keyroots) {
      for (int kj : t2.keyroots) {
        int il = l1[ki];
        int jl = l2[kj];
        // forest[x][y]: distance between t1 nodes il..il+x-1 and t2 nodes jl..jl+y-1 (as forests)
        forest[0][0] = 0;
        for (int i = il; i <= ki; i++) {
          forest[i - il + 1][0] = forest[i - il][0] + del[i];
        }
        for (int j = jl; j <= kj; j++) {
          forest[0][j - jl + 1] = forest[0][j - jl] + ins[j];
        }
        for (int i = il; i <= ki; i++) {
          int x = i - il + 1;
          for (int j = jl; j <= kj; j++) {
            int y = j - jl + 1;
            double delete = forest[x - 1][y] + del[i];
            double insert = forest[x][y - 1] + ins[j];
            double best = Math.min(delete, insert);
            if (l1[i] == il && l2[j] == jl) {
              double rename = forest[x - 1][y - 1] + model.rename(t1.nodes.get(i), t2.nodes.get(j));
              best = Math.min(best, rename);
              tree[i][j] = best;
            } else {
              best = Math.min(best, forest[l1[i] - il][l2[j] - jl] + tree[i][j]);
            }
            forest[x][y] = best;
          }
        }
      }
    }
    return tree[n - 1][m - 1];
  }
}
