package io.scriptorium.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.pipeline.derive.DerivedRow;
import io.scriptorium.pipeline.derive.DerivedRows;
import io.scriptorium.pipeline.derive.DerivedTable;
import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.pipeline.warehouse.ParsedTables.Spec;
import io.scriptorium.testing.UnitTest;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The Spark side of derivation, without a session: the derivation's records are the tables' columns, digitize and
 * reparse make the same spot rows, and MERGEs name partitions NULL-safely.
 */
@UnitTest
class DerivedTablesTest {
  /** hunyuanocr.md §2.1's ship, a line without a box between its two boxed lines. */
  private static final String SPOTTING = "<ref>顺利上岸</ref><quad>(231,392),(764,632)</quad><ref>无框</ref>"
      + "<ref>LAMAR</ref><quad>(446,850),(559,878)</quad>";

  @Test
  void theDerivedRecordsAreTheTablesOwnColumnsInOrder() {
    Map<DerivedTable, Class<?>> records = Map.of(DerivedTable.BLOCKS, DerivedRow.BlockRow.class,
        DerivedTable.TABLES, DerivedRow.TableRow.class, DerivedTable.FORMULAS, DerivedRow.FormulaRow.class,
        DerivedTable.FIGURES, DerivedRow.FigureRow.class, DerivedTable.FIELDS, DerivedRow.FieldRow.class,
        DerivedTable.TRANSLATIONS, DerivedRow.TranslationRow.class,
        DerivedTable.PARSE_WARNINGS, DerivedRow.WarningRow.class, DerivedTable.SPOTS, DerivedRow.SpotRow.class);
    assertThat(DerivedTables.EVERY.stream().map(Spec::name))
        .containsExactlyElementsOf(Arrays.stream(DerivedTable.values()).map(DerivedTable::tableName).toList());
    for (DerivedTable table : DerivedTable.values()) {
      Spec spec = DerivedTables.EVERY.get(table.ordinal());
      assertMatches(records.get(table), DerivedTables.recordSchema(spec));
      assertThat(spec.tasks()).as(table.tableName()).isEqualTo(DerivedRows.tasksFeeding(table));
    }
    // digitize's spot rows: the spots table's own columns, then the output's prompt
    assertThat(PartitionInference.SPOT_STRUCT.fieldNames()).containsExactlyElementsOf(
        names(DerivedRow.SpotRow.class, "prompt_sha256"));
  }

  @Test
  void digitizeAndReparseMakeTheSameSpotRows() {
    List<Row> digitized = PartitionInference.spotRows(SPOTTING, "prompt", 1000, 2000);
    List<Row> reparsed = DerivedTables.derive("spotting", null, null, SPOTTING, 1000, 2000).get(Tables.SPOTS);
    assertThat(digitized).hasSize(3).allSatisfy(r -> assertThat(r.getString(r.length() - 1)).isEqualTo("prompt"));
    assertThat(digitized.stream().map(r -> RowFactory.create(Arrays.copyOf(values(r), r.length() - 1))).toList())
        .isEqualTo(reparsed);
    assertThat(values(reparsed.get(0))).containsExactly(0, "顺利上岸", 231, 784, 764, 1264, 231, 392, 764, 632);
    assertThat(values(reparsed.get(1))).containsExactly(1, "无框", null, null, null, null, null, null, null, null);
  }

  @Test
  void theOnePartitionPredicateIsNullSafe() {
    assertThat(ReplaceRows.partitionPredicate(List.of(RowFactory.create("it's", Date.valueOf("2026-11-23")),
        RowFactory.create(null, null)))).isEqualTo("((t.collection = 'it\\'s' AND t.batch_date = DATE'2026-11-23')"
            + " OR (t.collection IS NULL AND t.batch_date IS NULL))");
  }

  /** A record's components, snake_cased, are the schema's fields; list components of records are arrays of structs. */
  private static void assertMatches(Class<?> record, StructType schema) {
    assertThat(schema.fieldNames()).as(record.getSimpleName()).containsExactlyElementsOf(names(record));
    for (RecordComponent c : record.getRecordComponents()) {
      if (c.getGenericType() instanceof ParameterizedType list) {
        Class<?> element = (Class<?>) list.getActualTypeArguments()[0];
        ArrayType array = (ArrayType) schema.apply(snake(c.getName())).dataType();
        assertMatches(element, (StructType) array.elementType());
      }
    }
  }

  @Test
  void derivationTakesTheTaskParametersAsGivenNotFromThePrompt() {
    // a single IE field: a bare answer becomes that field
    assertThat(DerivedTables.derive("ie", null, List.of("总金额"), "￥77.10元", null, null).get(ParsedTables.FIELDS))
        .extracting(r -> r.getString(1), r -> r.getString(2)).containsExactly(tuple("总金额", "￥77.10元"));
    // several fields: a bare answer is no field
    assertThat(DerivedTables.derive("ie", null, List.of("总金额", "单价"), "￥77.10元", null, null)
        .get(ParsedTables.FIELDS)).isEmpty();
    // translate: the language asked for, whatever the text says
    assertThat(DerivedTables.derive("translate", "zh", null, "Hello", null, null).get(ParsedTables.TRANSLATIONS))
        .extracting(r -> r.getString(0)).containsExactly("zh");
  }

  private static List<String> names(Class<?> record, String... more) {
    List<String> names = Arrays.stream(record.getRecordComponents()).map(c -> snake(c.getName()))
        .collect(Collectors.toCollection(ArrayList::new));
    names.addAll(List.of(more));
    return names;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static Object[] values(Row row) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return values;
  }
}
