package io.scriptorium.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Renders a {@link TaskSpec} into prompt text from the manifest's templates (BUNDLE_FORMAT.md "prompts"). */
final class PromptRenderer {
  private final Manifest.Prompts prompts;
  private final String language;

  PromptRenderer(Manifest.Prompts prompts, String language) {
    this.prompts = prompts;
    this.language = language == null ? prompts.defaultLanguage() : language;
    if (!prompts.templates().containsKey(this.language)) {
      throw new IllegalArgumentException("prompt language '" + this.language + "' is not in the bundle; available: "
          + new TreeSet<>(prompts.templates().keySet()));
    }
  }

  String language() {
    return language;
  }

  Prompt render(TaskSpec spec) {
    Map<String, String> table = prompts.templates().get(language);
    String text;
    switch (spec.task()) {
      case IE:
        text = spec.fields().size() == 1
            ? table.get("ie_single").replace("{key}", spec.fields().get(0))
            : table.get("ie").replace("{fields}", pythonList(spec.fields()));
        break;
      case TRANSLATE:
        text = table.get("translate").replace("{language}", languageName(spec.targetLanguage()));
        break;
      case VQA:
        text = table.get("vqa").replace("{question}", spec.question());
        break;
      default:
        text = table.get(spec.task().key());
    }
    return Prompt.of(spec, language, text);
  }

  private String languageName(String target) {
    Map<String, String> names = prompts.languageNames().getOrDefault(language, Map.of());
    String name = names.get(target.trim().toLowerCase(Locale.ROOT));
    if (name == null) {
      throw new IllegalArgumentException("target language '" + target + "' is not supported by the bundle's "
          + language + " prompts; supported: " + new TreeSet<>(names.keySet()));
    }
    return name;
  }

  /** The README's IE field list {@code ['a','b']}: Python repr quoting, commas without spaces. */
  static String pythonList(List<String> items) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(pythonRepr(items.get(i)));
    }
    return out.append(']').toString();
  }

  /** Python 3 {@code repr(str)}: single quotes unless the text has ' and no ", escapes for non-printables. */
  static String pythonRepr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    s.codePoints().forEach(cp -> {
      if (cp == quote || cp == '\\') {
        out.append('\\').appendCodePoint(cp);
      } else if (cp == '\n') {
        out.append("\\n");
      } else if (cp == '\r') {
        out.append("\\r");
      } else if (cp == '\t') {
        out.append("\\t");
      } else if (isPrintable(cp)) {
        out.appendCodePoint(cp);
      } else if (cp < 0x100) {
        out.append(String.format("\\x%02x", cp));
      } else if (cp < 0x10000) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.append(String.format("\\U%08x", cp));
      }
    });
    return out.append(quote).toString();
  }

  private static boolean isPrintable(int cp) {
    if (cp == ' ') {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
        return false;
      default:
        return true;
    }
  }
}
