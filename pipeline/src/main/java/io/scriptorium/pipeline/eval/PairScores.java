package io.scriptorium.pipeline.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every metric of one truth/prediction pair of a kind, by name, as {@code bin/scriptorium score} prints them and the
 * fixture test checks them. The values come from the same methods the {@code eval} job uses.
 *
 * <ul>
 *   <li>{@code table}: {@code teds}, {@code teds_struct} (OmniDocBench), {@code teds_pubtabnet},
 *       {@code teds_pubtabnet_struct} (PubTabNet {@code metric.py}, applied to the strings as given: a bare
 *       {@code <table>} scores 0 there, as in PubTabNet);
 *   <li>{@code text}: {@code text_ned} (OmniDocBench, one block), {@code cer} (ours);
 *   <li>{@code formula}: {@code formula_ned} (OmniDocBench).
 * </ul>
 *
 * <p>A NED is null where OmniDocBench scores nothing (both sides empty).
 */
public final class PairScores {
  /** The kinds a pair can have. */
  public static final List<String> KINDS = List.of("table", "text", "formula");

  private PairScores() {}

  /** The metrics of {@code kind} for one pair; throws IllegalArgumentException for an unknown kind. */
  public static Map<String, Double> score(String kind, String truth, String prediction) {
    String t = truth == null ? "" : truth;
    String p = prediction == null ? "" : prediction;
    Map<String, Double> out = new LinkedHashMap<>();
    switch (kind == null ? "" : kind.toLowerCase(Locale.ROOT)) {
      case "table" -> {
        out.put(PageEvaluator.TEDS, Teds.omniDocBench(p, t, false));
        out.put(PageEvaluator.TEDS_STRUCT, Teds.omniDocBench(p, t, true));
        out.put(PageEvaluator.TEDS_PUBTABNET, Teds.pubTabNet(p, t, false));
        out.put(PageEvaluator.TEDS_PUBTABNET_STRUCT, Teds.pubTabNet(p, t, true));
      }
      case "text" -> {
        out.put(PageEvaluator.TEXT_NED, TextMetrics.ned(p, t));
        out.put(PageEvaluator.CER, TextMetrics.cer(p, t));
      }
      case "formula" -> out.put(PageEvaluator.FORMULA_NED, LatexNormaliser.ned(p, t));
      default -> throw new IllegalArgumentException("unknown kind '" + kind + "' (one of " + String.join(", ", KINDS)
          + ")");
    }
    return out;
  }
}
