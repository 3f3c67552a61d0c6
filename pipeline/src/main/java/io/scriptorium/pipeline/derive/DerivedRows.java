package io.scriptorium.pipeline.derive;

import io.scriptorium.model.Task;
import io.scriptorium.pipeline.derive.DerivedRow.BlockRow;
import io.scriptorium.pipeline.derive.DerivedRow.FieldRow;
import io.scriptorium.pipeline.derive.DerivedRow.FigureRow;
import io.scriptorium.pipeline.derive.DerivedRow.FormulaRow;
import io.scriptorium.pipeline.derive.DerivedRow.SpotRow;
import io.scriptorium.pipeline.derive.DerivedRow.TableRow;
import io.scriptorium.pipeline.derive.DerivedRow.TranslationRow;
import io.scriptorium.pipeline.derive.DerivedRow.WarningRow;
import io.scriptorium.pipeline.parse.Block;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Figure;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.ParseWarning;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Spot;
import io.scriptorium.pipeline.parse.Table;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pure derivation: the rows a parsed output gives each {@link DerivedTable}. A task feeds the same tables whatever its
 * answer (an empty answer sends empty lists), which is what lets a reparse delete rows an answer no longer gives.
 */
public final class DerivedRows {
  private static final Map<DerivedTable, Set<String>> FEEDING = feeding();

  private DerivedRows() {}

  /**
   * The rows of every table the output's task feeds; {@code width} and {@code height} (null when unknown) scale boxes
   * to pixels.
   */
  public static Map<DerivedTable, List<DerivedRow>> of(ParsedOutput output, Integer width, Integer height) {
    Map<DerivedTable, List<DerivedRow>> rows = new EnumMap<>(DerivedTable.class);
    boolean hasParser = output.match(new ParsedOutput.Cases<>() {
      @Override
      public Boolean spots(ParsedOutput.Spots spots) {
        rows.put(DerivedTable.SPOTS, List.copyOf(spotRows(spots.spots(), width, height)));
        return true;
      }

      @Override
      public Boolean document(ParsedOutput.Document document) {
        DerivedRows.document(document.document(), width, height, rows);
        return true;
      }

      @Override
      public Boolean translated(ParsedOutput.Translated translated) {
        DerivedRows.document(translated.translation().document(), width, height, rows);
        rows.put(DerivedTable.TRANSLATIONS, List.of(new TranslationRow(translated.targetLanguage(),
            translated.text())));
        return true;
      }

      @Override
      public Boolean table(ParsedOutput.TableAnswer table) {
        rows.put(DerivedTable.TABLES,
            table.table().sanitisedHtml().isEmpty() ? List.of() : List.of(tableRow(0, table.table())));
        return true;
      }

      @Override
      public Boolean formula(ParsedOutput.FormulaAnswer formula) {
        rows.put(DerivedTable.FORMULAS,
            formula.formula().latex().isEmpty() ? List.of() : List.of(formulaRow(0, formula.formula())));
        return true;
      }

      @Override
      public Boolean charts(ParsedOutput.Charts charts) {
        List<DerivedRow> blocks = new ArrayList<>();
        charts.charts().forEach(c -> blocks.add(new BlockRow(blocks.size(), "chart", 0, c.body(), List.of())));
        rows.put(DerivedTable.BLOCKS, blocks);
        return true;
      }

      @Override
      public Boolean fields(ParsedOutput.Fields fields) {
        List<DerivedRow> fieldRows = new ArrayList<>();
        fields.fields().forEach(f -> fieldRows.add(new FieldRow(fieldRows.size(), f.key(), f.value())));
        rows.put(DerivedTable.FIELDS, fieldRows);
        return true;
      }

      @Override
      public Boolean subtitles(ParsedOutput.Subtitles subtitles) {
        return true; // only warnings
      }

      @Override
      public Boolean answers(ParsedOutput.Answers answers) {
        return true; // only warnings
      }

      @Override
      public Boolean text(ParsedOutput.PlainText text) {
        return false; // no parser: nothing to derive
      }
    });
    if (hasParser) {
      List<DerivedRow> warnings = new ArrayList<>();
      for (ParseWarning w : output.warnings()) {
        warnings.add(new WarningRow(warnings.size(), w.code(), w.message()));
      }
      rows.put(DerivedTable.PARSE_WARNINGS, warnings);
    }
    return Collections.unmodifiableMap(rows);
  }

  /**
   * The spot rows of a spotting answer on a page of {@code width x height} pixels (null when unknown): the one path
   * digitize (at inference) and reparse (through {@link #of}) both take.
   */
  public static List<SpotRow> spotRows(String spottingText, Integer width, Integer height) {
    return spotRows(TaskRegistry.spotting(spottingText).spots(), width, height);
  }

  /** The keys of the tasks that feed {@code table}, in {@link Task} order. */
  public static Set<String> tasksFeeding(DerivedTable table) {
    return FEEDING.get(table);
  }

  private static Map<DerivedTable, Set<String>> feeding() {
    Map<DerivedTable, Set<String>> feeding = new EnumMap<>(DerivedTable.class);
    for (DerivedTable table : DerivedTable.values()) {
      feeding.put(table, new LinkedHashSet<>());
    }
    for (Task task : Task.values()) {
      for (DerivedTable table : of(TaskRegistry.parse(task, "", TaskParameters.NONE), null, null).keySet()) {
        feeding.get(table).add(task.key());
      }
    }
    feeding.replaceAll((table, tasks) -> Collections.unmodifiableSet(tasks));
    return Collections.unmodifiableMap(feeding);
  }

  private static List<SpotRow> spotRows(List<Spot> spots, Integer width, Integer height) {
    List<SpotRow> rows = new ArrayList<>(spots.size());
    for (Spot spot : spots) {
      Edges e = Edges.of(spot.box(), width, height);
      rows.add(new SpotRow(spot.lineNo(), spot.text(), e.x1(), e.y1(), e.x2(), e.y2(), e.normX1(), e.normY1(),
          e.normX2(), e.normY2()));
    }
    return rows;
  }

  private static void document(ParsedDocument doc, Integer width, Integer height,
      Map<DerivedTable, List<DerivedRow>> rows) {
    List<DerivedRow> blocks = new ArrayList<>();
    for (Block b : doc.blocks()) {
      blocks.add(new BlockRow(b.order(), b.kind().name().toLowerCase(Locale.ROOT), b.headingLevel(), b.text(),
          b.inlineFormulas()));
    }
    rows.put(DerivedTable.BLOCKS, blocks);
    List<DerivedRow> tables = new ArrayList<>();
    doc.tables().forEach(t -> tables.add(tableRow(tables.size(), t)));
    rows.put(DerivedTable.TABLES, tables);
    List<DerivedRow> formulas = new ArrayList<>();
    doc.formulas().forEach(f -> formulas.add(formulaRow(formulas.size(), f)));
    rows.put(DerivedTable.FORMULAS, formulas);
    List<DerivedRow> figures = new ArrayList<>();
    for (Figure f : doc.figures()) {
      Edges e = Edges.of(f.box(), width, height);
      figures.add(new FigureRow(figures.size(), f.blockOrder(), f.caption(), e.x1(), e.y1(), e.x2(), e.y2(),
          e.normX1(), e.normY1(), e.normX2(), e.normY2()));
    }
    rows.put(DerivedTable.FIGURES, figures);
  }

  private static TableRow tableRow(int tableNo, Table t) {
    return new TableRow(tableNo, t.blockOrder(), t.sanitisedHtml(), t.caption(), t.rows(), t.cols(), t.cells());
  }

  private static FormulaRow formulaRow(int formulaNo, Formula f) {
    return new FormulaRow(formulaNo, f.blockOrder(), f.position(), f.display(), f.latex(), f.equationNumber(),
        f.balanced());
  }

  /** A box's edges: in pixels when the page size is known, and on the 0..1000 grid; all null without a box. */
  private record Edges(Integer x1, Integer y1, Integer x2, Integer y2, Integer normX1, Integer normY1,
      Integer normX2, Integer normY2) {
    static Edges of(Box grid, Integer width, Integer height) {
      if (grid == null) {
        return new Edges(null, null, null, null, null, null, null, null);
      }
      if (width == null || height == null) {
        return new Edges(null, null, null, null, grid.x1(), grid.y1(), grid.x2(), grid.y2());
      }
      Box px = grid.denormalize(width, height);
      return new Edges(px.x1(), px.y1(), px.x2(), px.y2(), grid.x1(), grid.y1(), grid.x2(), grid.y2());
    }
  }
}
