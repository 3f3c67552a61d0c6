package io.scriptorium.pipeline.parse;

/**
 * Parsers for HunyuanOCR 1.0 answers, one per task: pure functions from the decoded text to records.
 *
 * <p>Every parser is total: any string, null included, gives records and warnings, never an exception. Every parser
 * first cuts a looping tail ({@link #trimRepetition}) and then says so with a
 * {@link ParseWarning#REPETITION_TRIMMED} warning. Boxes stay on the model's 0..1000 grid; {@link Box#denormalize}
 * scales them to pixels.
 *
 * <p>Answers are expected as decoded by the reference clients, with or without special tokens: both the
 * {@code <ref>..</ref><quad>..</quad>} form and the special-tokens-skipped {@code TEXT(x1,y1),(x2,y2)} form are read.
 */
public final class OutputParsers {
  /** Version of the parsers' output; bumped whenever the records they produce for some input change. */
  public static final String PARSER_VERSION = "1.0.0";

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
   * Cuts a looping tail down to one copy of its unit; see the thresholds in the package documentation. Never null
   * in, never null out: null reads as "".
   */
  public static Trimmed trimRepetition(String text) {
    return RepetitionTrimmer.trim(text);
  }
}
