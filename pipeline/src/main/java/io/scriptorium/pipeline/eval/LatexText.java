package io.scriptorium.pipeline.eval;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LaTeX to plain text the way OmniDocBench's text metric sees inline math: it runs pylatexenc's
 * {@code LatexNodes2Text().latex_to_text} (version 3.0a30, the one OmniDocBench pins) and then keeps only word
 * characters. So what has to match is the sequence of letters, digits and underscores produced, not spacing or
 * symbols; this class reproduces that for the LaTeX found in OCR output:
 *
 * <ul>
 *   <li>characters pass through ({@code ^} and {@code _} included); groups give their content; {@code %} starts a
 *       comment to the end of the line; {@code $...$} and {@code \(...\)} give their content;
 *   <li>known symbol macros give their character: Greek letters ({@code \epsilon} is ϵ, {@code \phi} ϕ; the
 *       {@code \var} capitals are unknown), letters such as {@code \ell}, {@code \hbar}, {@code \AA}, {@code \ss},
 *       operator names ({@code \sin}, {@code \log}, {@code \lim}, but not {@code \det} or {@code \arg}); unknown macros
 *       give nothing and take no argument, so a following group still shows;
 *   <li>{@code \frac{a}{b}} is {@code a/b}, {@code \sqrt[n]{x}} {@code √(x)}; {@code \label}, {@code \hspace},
 *       {@code \vspace}, {@code \color}, {@code \mbox}, {@code \textsf}, {@code \texttt}, {@code \hphantom},
 *       {@code \vphantom}, {@code \xrightarrow} drop their argument; {@code \ref}-like macros give {@code <ref>};
 *   <li>{@code \mathbf}, {@code \mathit}, {@code \mathcal}/{@code \mathscr}, {@code \mathbb}, {@code \mathfrak},
 *       {@code \mathsf}, {@code \mathtt} turn Latin letters into Unicode mathematical letters (𝐱, ℒ, ℝ ...), the
 *       innermost such font winning; accents add a combining mark to each character of their argument, composed
 *       (NFC) where Unicode has the letter ({@code \hat{a}} is â, {@code \hat{x}} stays x + U+0302);
 *   <li>environments give their content ({@code array} and {@code tabular} drop their column specification); control
 *       symbols other than escaped characters, spacing and accents ({@code \\!}, {@code \\/}, a backslash before a
 *       non-ASCII letter) give nothing;
 *   <li>a group left open drops itself and everything after it (an argument left open is empty); a stray closing
 *       brace, {@code \end} or {@code \)} makes the whole result empty, as pylatexenc's tolerant parser does.
 * </ul>
 */
final class LatexText {
  private static final Map<String, String> SYMBOLS = new HashMap<>();
  /** Macros whose (one) argument is read and dropped; the value is what they print instead. */
  private static final Map<String, String> DROP_ARGUMENT = new HashMap<>();
  private static final Map<String, int[]> FONTS = new HashMap<>();
  private static final Map<String, String> ACCENTS = new HashMap<>();
  private static final Set<String> STARRED = Set.of("hspace", "vspace");
  private static final Set<String> COLUMN_SPEC_ENVIRONMENTS = Set.of("array", "tabular", "subarray");

  static {
    String[] greek = {
      "alpha", "α", "beta", "β", "gamma", "γ", "delta", "δ", "epsilon", "ϵ", "varepsilon", "ε", "zeta", "ζ", "eta", "η",
      "theta", "θ", "vartheta", "ϑ", "iota", "ι", "kappa", "κ", "varkappa", "ϰ", "lambda", "λ", "mu", "μ", "nu", "ν",
      "xi", "ξ", "omicron", "ο", "pi", "π", "varpi", "ϖ", "rho", "ρ", "varrho", "ϱ", "sigma", "σ", "varsigma", "ς",
      "tau", "τ", "upsilon", "υ", "phi", "ϕ", "varphi", "φ", "chi", "χ", "psi", "ψ", "omega", "ω", "digamma", "ϝ",
      "Alpha", "Α", "Beta", "Β", "Gamma", "Γ", "Delta", "Δ", "Epsilon", "Ε", "Zeta", "Ζ", "Eta", "Η", "Theta", "Θ",
      "Iota", "Ι", "Kappa", "Κ", "Lambda", "Λ", "Mu", "Μ", "Nu", "Ν", "Xi", "Ξ", "Omicron", "Ο", "Pi", "Π", "Rho", "Ρ",
      "Sigma", "Σ", "Tau", "Τ", "Upsilon", "Υ", "Phi", "Φ", "Chi", "Χ", "Psi", "Ψ", "Omega", "Ω", "Digamma", "Ϝ"};
    for (int i = 0; i < greek.length; i += 2) {
      SYMBOLS.put(greek[i], greek[i + 1]);
      // the upright forms (upalpha ... Upalpha) are the same letters
      String name = greek[i];
      String up = Character.isUpperCase(name.charAt(0)) ? "Up" + name.toLowerCase() : "up" + name;
      SYMBOLS.putIfAbsent(up, greek[i + 1]);
    }
    String[] letters = {
      "ell", "ℓ", "hbar", "ħ", "hslash", "ℏ", "aleph", "ℵ", "beth", "ℶ", "gimel", "ℷ", "daleth", "ℸ", "eth", "ƪ",
      "AA", "Å", "aa", "å", "AE", "Æ", "ae", "æ", "O", "Ø", "o", "ø", "OE", "Œ", "oe", "œ", "ss", "ß", "L", "Ł",
      "l", "ł", "i", "ı", "j", "ȷ", "DH", "Ð", "dh", "ð", "DJ", "Đ", "dj", "đ", "NG", "Ŋ", "ng", "ŋ", "IJ", "Ĳ",
      "ij", "ĳ", "TH", "Þ", "th", "þ", "textmu", "µ", "textohm", "Ω", "texttheta", "θ", "textvartheta", "ϑ",
      "textTheta", "ϴ", "textphi", "ɸ", "textschwa", "ə", "textflorin", "ƒ", "textonehalf", "½", "textonequarter",
      "¼", "textthreequarters", "¾", "textonesuperior", "¹", "texttwosuperior", "²", "textthreesuperior", "³",
      "textordfeminine", "ª", "textordmasculine", "º", "Ident", "𝕀", "textglotstop", "ʔ", "Koppa", "Ϟ", "Sampi", "Ϡ",
      "Stigma", "Ϛ", "textasciicaron", "ˇ", "textasciicircum", "ˆ", "textdoublepipe", "ǂ", "texthvlig", "ƕ",
      "textnrleg", "ƞ", "textturnk", "ʞ",
      "sin", "sin", "cos", "cos", "tan", "tan", "sinh", "sinh", "cosh", "cosh", "tanh", "tanh", "arcsin", "arcsin",
      "arccos", "arccos", "arctan", "arctan", "arcsinh", "arcsinh", "arccosh", "arccosh", "arctanh", "arctanh",
      "exp", "exp", "ln", "ln", "log", "log", "lim", "lim", "liminf", "lim inf", "limsup", "lim sup", "max", "max",
      "min", "min", "sup", "sup", "inf", "inf",
      // symbols: any non-word text would do for the metric; the common ones are given for readability
      "times", "×", "cdot", "·", "pm", "±", "mp", "∓", "leq", "≤", "le", "≤", "geq", "≥", "ge", "≥", "neq", "≠",
      "ne", "≠", "approx", "≈", "sim", "∼", "simeq", "≃", "equiv", "≡", "infty", "∞", "partial", "∂", "nabla", "∇",
      "sum", "∑", "prod", "∏", "int", "∫", "oint", "∮", "rightarrow", "→", "to", "→", "leftarrow", "←",
      "Rightarrow", "⇒", "Leftarrow", "⇐", "leftrightarrow", "↔", "cdots", "⋯", "ldots", "…", "dots", "…",
      "circ", "∘", "in", "∈", "prime", "'", "perp", "⊥", "quad", " ", "qquad", " ", "lbrace", "{", "rbrace", "}",
      "langle", "⟨", "rangle", "⟩", "vert", "|", "mid", "|", "ast", "∗", "star", "⋆", "forall", "∀", "exists", "∃",
      "cap", "∩", "cup", "∪", "subset", "⊂", "supset", "⊃", "wedge", "∧", "vee", "∨", "otimes", "⊗", "oplus", "⊕",
      "textdegree", "°", "degree", "", "backslash", "\\", "surd", "√", "textcelsius", "℃"};
    for (int i = 0; i < letters.length; i += 2) {
      SYMBOLS.put(letters[i], letters[i + 1]);
    }
    for (String m : List.of("label", "hspace", "color", "mbox", "textsf", "texttt", "textmd", "textup", "hphantom",
        "vphantom", "xrightarrow", "xleftarrow", "usepackage", "RequirePackage", "selectlanguage", "title", "author",
        "pagecolor", "colorbox", "bibliography", "citealp", "citealt", "citeauthor", "citeyear", "citeyearpar",
        "citenum", "citetext", "Citep", "Citet", "Citealp", "Citealt", "Citeauthor", "texorpdfstring")) {
      DROP_ARGUMENT.put(m, "");
    }
    DROP_ARGUMENT.put("vspace", "\n");
    for (String m : List.of("ref", "cref", "autoref", "pageref")) {
      DROP_ARGUMENT.put(m, "<ref>");
    }
    DROP_ARGUMENT.put("Cref", "<Ref>");
    DROP_ARGUMENT.put("eqref", "(<ref>)");
    for (String m : List.of("cite", "citep", "citet")) {
      DROP_ARGUMENT.put(m, "<cit.>");
    }
    // mathematical alphanumeric symbols: first capital, first small letter
    FONTS.put("mathbf", new int[] {0x1D400, 0x1D41A});
    FONTS.put("mathit", new int[] {0x1D434, 0x1D44E});
    FONTS.put("mathcal", new int[] {0x1D49C, 0x1D4B6});
    FONTS.put("mathscr", new int[] {0x1D49C, 0x1D4B6});
    FONTS.put("mathfrak", new int[] {0x1D504, 0x1D51E});
    FONTS.put("mathbb", new int[] {0x1D538, 0x1D552});
    FONTS.put("mathsf", new int[] {0x1D5A0, 0x1D5BA});
    FONTS.put("mathtt", new int[] {0x1D670, 0x1D68A});
    String[] accents = {
      "hat", "\u0302", "widehat", null, "tilde", "\u0303", "bar", "\u0305", "breve", "\u0306", "ddot", "\u0308",
      "dot", "\u0307", "vec", "\u20D7", "acute", "\u0301", "grave", "\u0300", "check", "\u030C", "not", "\u0338",
      "d", "\u0323", "b", "\u0331", "c", "\u0327", "u", "\u0306", "v", "\u030C", "r", "\u030A", "H", "\u030B",
      "k", "\u0328", "\"", "\u0308", "'", "\u0301", "~", "\u0303", "^", "\u0302", "`", "\u0300", "=", "\u0304",
      ".", "\u0307"};
    for (int i = 0; i < accents.length; i += 2) {
      if (accents[i + 1] != null) {
        ACCENTS.put(accents[i], accents[i + 1]);
      }
    }
  }

  /** Holes in the mathematical alphabets, filled from the Letterlike Symbols block. */
  private static final Map<String, Integer> FONT_EXCEPTIONS = Map.ofEntries(
      Map.entry("mathit:h", 0x210E), Map.entry("mathcal:B", 0x212C), Map.entry("mathcal:E", 0x2130),
      Map.entry("mathcal:F", 0x2131), Map.entry("mathcal:H", 0x210B), Map.entry("mathcal:I", 0x2110),
      Map.entry("mathcal:L", 0x2112), Map.entry("mathcal:M", 0x2133), Map.entry("mathcal:R", 0x211B),
      Map.entry("mathcal:e", 0x212F), Map.entry("mathcal:g", 0x210A), Map.entry("mathcal:o", 0x2134),
      Map.entry("mathfrak:C", 0x212D), Map.entry("mathfrak:H", 0x210C), Map.entry("mathfrak:I", 0x2111),
      Map.entry("mathfrak:R", 0x211C), Map.entry("mathfrak:Z", 0x2128), Map.entry("mathbb:C", 0x2102),
      Map.entry("mathbb:H", 0x210D), Map.entry("mathbb:N", 0x2115), Map.entry("mathbb:P", 0x2119),
      Map.entry("mathbb:Q", 0x211A), Map.entry("mathbb:R", 0x211D), Map.entry("mathbb:Z", 0x2124));

  /** Thrown where pylatexenc raises (an environment never ended, {@code \\href}): the caller keeps the source. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown when the source has a stray closing brace or environment end: pylatexenc then yields nothing. */
  private static final class Stray extends RuntimeException {
    Stray() {
      super(null, null, false, false);
    }
  }

  private final String src;
  private int pos;
  private boolean stopped; // an open group reached the end: nothing after it counts

  private LatexText(String src) {
    this.src = src;
  }

  /** The text of {@code latex}; throws {@link Failure} where pylatexenc raises. */
  static String toText(String latex) {
    LatexText t = new LatexText(latex);
    try {
      StringBuilder out = new StringBuilder();
      t.sequence(out, null, null);
      return out.toString();
    } catch (Stray e) {
      return "";
    }
  }

  /**
   * Reads nodes until {@code closer} (a string such as "}" or "$") and appends their text; returns false when the
   * input ended first.
   */
  private boolean sequence(StringBuilder out, String closer, String font) {
    int n = src.length();
    while (pos < n && !stopped) {
      if (closer != null && src.startsWith(closer, pos)) {
        pos += closer.length();
        return true;
      }
      node(out, font);
    }
    return closer == null;
  }

  private void node(StringBuilder out, String font) {
    char c = src.charAt(pos);
    switch (c) {
      case '%' -> {
        int end = src.indexOf('\n', pos);
        pos = end < 0 ? src.length() : end;
      }
      case '{' -> {
        pos++;
        StringBuilder inner = new StringBuilder();
        if (sequence(inner, "}", font)) {
          out.append(inner);
        } else {
          stopped = true;
        }
      }
      case '}' -> throw new Stray();
      case '$' -> {
        pos++;
        String closer = src.startsWith("$", pos) ? "$$" : "$";
        if (closer.equals("$$")) {
          pos++;
        }
        StringBuilder inner = new StringBuilder();
        if (sequence(inner, closer, font)) {
          out.append(inner);
        } else {
          stopped = true;
        }
      }
      case '\\' -> macro(out, font);
      default -> {
        int cp = src.codePointAt(pos);
        pos += Character.charCount(cp);
        out.appendCodePoint(font == null ? cp : styled(font, cp));
      }
    }
  }

  private void macro(StringBuilder out, String font) {
    int n = src.length();
    int start = ++pos;
    if (pos >= n) {
      return;
    }
    if (!isLetter(src.charAt(pos))) {
      char c = src.charAt(pos++);
      switch (c) {
        case '(' -> {
          StringBuilder inner = new StringBuilder();
          if (sequence(inner, "\\)", font)) {
            out.append(inner);
          } else {
            stopped = true;
          }
        }
        case '[' -> {
          StringBuilder inner = new StringBuilder();
          if (sequence(inner, "\\]", font)) {
            out.append('\n').append(inner).append('\n');
          } else {
            stopped = true;
          }
        }
        case ')', ']' -> throw new Stray();
        case '\\' -> out.append('\n');
        case ',', ';', ':', ' ', '>' -> out.append(' ');
        case '{', '}', '$', '#', '&', '%', '_' -> out.append(c);
        default -> {
          String mark = ACCENTS.get(String.valueOf(c));
          if (mark != null) {
            out.append(accent(argument(font), mark));
          }
          // any other control symbol (\! \/ \- \@, or a backslash before a non-ASCII letter) prints nothing
        }
      }
      return;
    }
    while (pos < n && isLetter(src.charAt(pos))) {
      pos++;
    }
    String name = src.substring(start, pos);
    skipSpaces();
    if (name.equals("href") || name.equals("verb")) {
      throw new Failure("\\" + name);
    }
    if (name.equals("begin")) {
      String env = rawGroup();
      if (env != null && !src.startsWith("\\end{" + env + "}", pos) && src.indexOf("\\end{" + env + "}", pos) < 0) {
        throw new Failure("\\begin{" + env + "} never ends");
      }
      if (env == null) {
        return;
      }
      if (COLUMN_SPEC_ENVIRONMENTS.contains(env)) {
        skipSpaces();
        if (pos < n && src.charAt(pos) == '[') {
          optional();
        }
        skipSpaces();
        rawGroup();
      }
      StringBuilder body = new StringBuilder();
      if (sequence(body, "\\end{" + env + "}", font)) {
        out.append(body);
      } else {
        stopped = true;
      }
      return;
    }
    if (name.equals("end")) {
      throw new Stray();
    }
    if (STARRED.contains(name) && pos < n && src.charAt(pos) == '*') {
      pos++;
    }
    if (SYMBOLS.containsKey(name)) {
      out.append(SYMBOLS.get(name));
    } else if (DROP_ARGUMENT.containsKey(name)) {
      argument(font);
      out.append(DROP_ARGUMENT.get(name));
    } else if (name.equals("textcolor")) {
      argument(font);
      out.append(argument(font));
    } else if (name.equals("frac")) {
      String a = argument(font);
      String b = argument(font);
      out.append(a).append('/').append(b);
    } else if (name.equals("sqrt")) {
      skipSpaces();
      if (pos < n && src.charAt(pos) == '[') {
        optional();
      }
      out.append("√(").append(argument(font)).append(')');
    } else if (FONTS.containsKey(name)) {
      out.append(argument(name));
    } else if (ACCENTS.containsKey(name)) {
      out.append(accent(argument(font), ACCENTS.get(name)));
    }
    // anything else: unknown, prints nothing and takes no argument
  }

  /** One argument: a group, a macro with its arguments, or one character; "" at the end of the input. */
  private String argument(String font) {
    skipSpaces();
    if (pos >= src.length() || stopped) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    char c = src.charAt(pos);
    if (c == '{') {
      pos++;
      if (!sequence(out, "}", font)) {
        stopped = true;
        return "";
      }
      return out.toString();
    }
    if (c == '}') {
      throw new Stray();
    }
    node(out, font);
    return out.toString();
  }

  /** A group read as raw text (environment names, column specifications). */
  private String rawGroup() {
    skipSpaces();
    if (pos >= src.length() || src.charAt(pos) != '{') {
      return null;
    }
    int depth = 0;
    int start = pos + 1;
    for (int i = pos; i < src.length(); i++) {
      char c = src.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        pos = i + 1;
        return src.substring(start, i);
      }
    }
    pos = src.length();
    stopped = true;
    return null;
  }

  private void optional() {
    int end = src.indexOf(']', pos);
    pos = end < 0 ? src.length() : end + 1;
  }

  private void skipSpaces() {
    while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t' || src.charAt(pos) == '\n')) {
      pos++;
    }
  }

  private static String accent(String text, String mark) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(cp -> out.appendCodePoint(cp).append(mark));
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  private static int styled(String font, int cp) {
    boolean upper = cp >= 'A' && cp <= 'Z';
    boolean lower = cp >= 'a' && cp <= 'z';
    if (!upper && !lower) {
      return cp;
    }
    Integer exception = FONT_EXCEPTIONS.get(font + ":" + (char) cp);
    if (exception != null) {
      return exception;
    }
    int[] base = FONTS.get(font);
    return upper ? base[0] + (cp - 'A') : base[1] + (cp - 'a');
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
