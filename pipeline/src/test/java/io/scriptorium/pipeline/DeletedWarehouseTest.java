package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A session whose catalog still names the tables of a warehouse since deleted opens another warehouse all the same. */
@SparkTest
class DeletedWarehouseTest {
  @Test
  void theCatalogEntriesOfADeletedWarehouseAreReplaced() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path gone = SparkTestSession.newDirectory("warehouse-deleted-");
    Scriptorium.get(spark).open(gone.toUri().toString());
    try (Stream<Path> files = Files.walk(gone)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    String next = SparkTestSession.newDirectory("warehouse-next-").toUri().toString();
    assertThat(Scriptorium.get(spark).sql(next, "SELECT count(*) FROM scriptorium.pages").first().getLong(0)).isZero();
    assertThat(Scriptorium.get(spark).status(next, null)).isNull();
  }
}
