package io.scriptorium.pipeline.derive;

import io.scriptorium.pipeline.parse.Chart;
import io.scriptorium.pipeline.parse.Field;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.ParseWarning;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Spot;
import io.scriptorium.pipeline.parse.Table;
import io.scriptorium.pipeline.parse.Translation;
import io.scriptorium.pipeline.parse.Trimmed;
import java.util.List;

/**
 * One raw output as its task's parser reads it ({@link TaskRegistry#parse}): one record per kind of result.
 *
 * <p>Consumers handle the kinds through {@link #match} and a {@link Cases}, one method per kind, so a new kind is a
 * compile error wherever it is not handled yet (Java 17 has no exhaustive pattern-matching switch).
 */
public sealed interface ParsedOutput {
  /** What the parser had to work around; empty for plain text, which has no parser. */
  List<ParseWarning> warnings();

  <R> R match(Cases<R> cases);

  /** What a consumer does with each kind of output. */
  interface Cases<R> {
    R spots(Spots spots);

    R document(Document document);

    R translated(Translated translated);

    R table(TableAnswer table);

    R formula(FormulaAnswer formula);

    R charts(Charts charts);

    R fields(Fields fields);

    R subtitles(Subtitles subtitles);

    R answers(Answers answers);

    R text(PlainText text);
  }

  /** Spotting: the text lines with their boxes on the 0..1000 grid. */
  record Spots(List<Spot> spots, List<ParseWarning> warnings) implements ParsedOutput {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.spots(this);
    }
  }

  /** Document parsing: blocks, tables, formulas and figures. */
  record Document(ParsedDocument document) implements ParsedOutput {
    @Override
    public List<ParseWarning> warnings() {
      return document.warnings();
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.document(this);
    }
  }

  /**
   * Translation: the translated text as a document.
   *
   * @param targetLanguage the language asked for as recorded (null when not), which the translations table keeps;
   *     {@code translation.language()} is its trimmed, never-null form
   * @param text the translated text, looping tail trimmed
   */
  record Translated(Translation translation, String targetLanguage, String text) implements ParsedOutput {
    @Override
    public List<ParseWarning> warnings() {
      return translation.document().warnings();
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.translated(this);
    }
  }

  /** Table recognition: the answer's table (empty HTML when it held none). */
  record TableAnswer(Table table) implements ParsedOutput {
    @Override
    public List<ParseWarning> warnings() {
      return table.warnings();
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.table(this);
    }
  }

  /** Formula recognition: the answer's formula (empty LaTeX when it held none). */
  record FormulaAnswer(Formula formula) implements ParsedOutput {
    @Override
    public List<ParseWarning> warnings() {
      return formula.warnings();
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.formula(this);
    }
  }

  /** Chart parsing: at most one chart. */
  record Charts(List<Chart> charts, List<ParseWarning> warnings) implements ParsedOutput {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.charts(this);
    }
  }

  /** Information extraction: the answer's fields (a single-key prompt's bare value as that one field). */
  record Fields(List<Field> fields, List<ParseWarning> warnings) implements ParsedOutput {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.fields(this);
    }
  }

  /** Subtitle extraction: the subtitle lines. */
  record Subtitles(List<String> lines, List<ParseWarning> warnings) implements ParsedOutput {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.subtitles(this);
    }
  }

  /** Visual question answering: the answer, if not blank. */
  record Answers(List<String> answers, List<ParseWarning> warnings) implements ParsedOutput {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.answers(this);
    }
  }

  /** Text recognition: no parser, only the official repetition trim. */
  record PlainText(Trimmed trimmed) implements ParsedOutput {
    @Override
    public List<ParseWarning> warnings() {
      return List.of();
    }

    @Override
    public <R> R match(Cases<R> cases) {
      return cases.text(this);
    }
  }
}
