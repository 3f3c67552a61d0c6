package io.scriptorium.pipeline.parse;

/**
 * Parsers for HunyuanOCR 1.0 answers, one per task: pure functions from the decoded text to records.
 *
 * <p>Every parser is total: any string, null included, gives records and warnings, never an exception. Every parser
 * first applies the official HunyuanOCR 1.0 repetition trim ({@link #trimRepetition}: only outputs of at least 8000
 * characters ending in at least 10 back-to-back copies of a unit) and says so with a
 * {@link ParseWarning#REPETITION_TRIMMED} warning. A loop the official rule leaves alone is only reported, with a
 * {@link ParseWarning#REPETITION_SUSPECTED} warning: the text is not changed. Boxes stay on the model's 0..1000 grid;
 * {@link Box#denormalize} scales them to pixels.
 *
 * <p>Answers are expected as decoded by the reference clients, with or without special tokens: both the
 * {@code <ref>..</ref><quad>..</quad>} form and the special-tokens-skipped {@code TEXT(x1,y1),(x2,y2)} form are read.
 */
public final class OutputParsers {
  /**
   * Version of the parsers' output; bumped whenever the records they produce for some input change.
   *
   * <p>1.1.0: repetition trimming follows the official rule (at least 8000 characters and 10 copies, lengths in code
   * points); the stricter detector of 1.0.0 now only reports {@code repetition_suspected}.
   */
  public static final String PARSER_VERSION = "1.1.0";

  private OutputParsers() {}

  /** Spotting: one {@link Spot} per text line, with its box, in output order. */
  public static ParseResult<Spot> spotting(String raw) {
    return SpottingParser.parse(raw);
  }

  /** Document parsing: Markdown with HTML tables, LaTeX formulas and figure boxes, split into blocks. */
  public static ParsedDocument document(String markdown) {
    return DocumentParser.parse(markdown);
  }

  /** Table recognition: the first HTML table in the answer, sanitised and laid out on its slot grid. */
  public static Table table(String html) {
    return TableParser.parseAnswer(html);
  }

  /** Formula recognition: one LaTeX formula, delimiters and equation number split off, balance checked. */
  public static Formula formula(String latex) {
    return FormulaParser.parseAnswer(latex);
  }

  /** Information extraction: the members of the answer's JSON object, in order. */
  public static ParseResult<Field> fields(String raw) {
    return FieldsParser.parse(raw);
  }

  /** Translation: the translated text parsed like a document, with the language the prompt asked for. */
  public static Translation translation(String raw, String targetLanguage) {
    return new Translation(targetLanguage, DocumentParser.parse(raw));
  }

  /** Chart parsing: Mermaid, a Markdown table, or text; at most one record. */
  public static ParseResult<Chart> chart(String raw) {
    return TextAnswers.chart(raw);
  }

  /** Subtitle extraction: the non-blank lines, trimmed. */
  public static ParseResult<String> subtitles(String raw) {
    return TextAnswers.subtitles(raw);
  }

  /** Visual question answering: the answer, trimmed; no record when it is blank. */
  public static ParseResult<String> vqa(String raw) {
    return TextAnswers.vqa(raw);
  }

  /**
   * The official HunyuanOCR 1.0 post-processing ({@code clean_repeated_substrings}): when the text is at least 8000
   * characters long (Unicode code points, as Python counts them), the first unit length L from 2 to
   * {@code length / 10} whose last L characters end the text in at least 10 back-to-back copies has its tail cut to
   * one copy. Anything else is returned unchanged (the same instance). Null reads as "".
   */
  public static Trimmed trimRepetition(String text) {
    return RepetitionTrimmer.trim(text);
  }
}
