package io.scriptorium.jobs;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.scriptorium.testing.UnitTest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layering the README describes, checked on the main classes of every module (test classes and test jars are
 * left out): model-loader knows nothing of Spark, the Spark-free packages of pipeline stay so and know nothing of
 * its Spark side (plan, infer, warehouse, run), and jobs and udfs reach that side through its facade.
 *
 * <p>The benchmarks are their own module ({@code bench}, io.scriptorium.bench), outside the production jars and not on
 * this class path. Beside the facade they use two hooks into internals, for figures the facade cannot give: {@code
 * PlanningProbe} (the planner and staging of {@code digitize}, alone) and {@code BenchmarkHooks} (the runtime's module
 * calls at a fixed batch, context or image). Nothing in production uses those hooks.
 */
@UnitTest
class ArchitectureTest {
  private static final String[] SPARK_HADOOP_DELTA = {"org.apache.spark..", "org.apache.hadoop..", "io.delta.."};
  private static final String[] SPARK_DELTA = {"org.apache.spark..", "io.delta.."};

  /**
   * Pure libraries: parsers, the task registry, derivation and the parsed-output JSON, reading order, edit distance,
   * eval's metrics (its Evaluation job is the exception), and the vocabulary of stored statuses and error classes.
   */
  private static final String[] SPARK_FREE = {
    "io.scriptorium.pipeline.parse..", "io.scriptorium.pipeline.derive..", "io.scriptorium.pipeline.layout..",
    "io.scriptorium.pipeline.text..", "io.scriptorium.pipeline.eval..", "io.scriptorium.pipeline.vocab.."
  };
  private static final String EVALUATION_JOB = "io.scriptorium.pipeline.eval.Evaluation";
  /** Page listing and decoding: no Spark, but files are read through Hadoop's FileSystem. */
  private static final String PAGES = "io.scriptorium.pipeline.pages..";
  /** The Spark side behind the facade: a run's steps in the order a page meets them, and the tables they write. */
  private static final String[] SPARK_STEPS = {
    "io.scriptorium.pipeline.plan..", "io.scriptorium.pipeline.infer..", "io.scriptorium.pipeline.warehouse..",
    "io.scriptorium.pipeline.run.."
  };

  /**
   * The facade and the types its methods take, return and throw; ScriptoriumConf names the settings. Names are
   * relative to io.scriptorium.pipeline; a nested name ({@code Outer$Inner}) admits that type alone.
   */
  private static final Set<String> FACADE = Set.of("Scriptorium", "DigitizeOptions", "RerunOptions",
      "MaintainOptions", "RunSummary", "ReparseSummary", "MaintainSummary", "RunStatus", "RunAlreadyLiveException",
      "ScriptoriumConf",
      // what Scriptorium.report returns; the report's writer stays behind the facade
      "report.PageReport$Summary");

  /** What jobs and udfs use of the Spark side beside the facade: nothing. Do not add to it: give the facade the method. */
  private static final Set<String> KNOWN_BYPASSES = Set.of();

  /** Public only for the bench module, which times what they run. */
  private static final Set<String> BENCHMARK_HOOKS = Set.of("io.scriptorium.pipeline.PlanningProbe",
      "io.scriptorium.model.BenchmarkHooks");

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
      .importPackages("io.scriptorium");

  @Test
  void modelLoaderKnowsNoSparkHadoopOrDelta() {
    noClasses().that().resideInAPackage("io.scriptorium.model..")
        .should().dependOnClassesThat().resideInAnyPackage(SPARK_HADOOP_DELTA)
        .check(MAIN);
  }

  @Test
  void theSparkFreePackagesOfPipelineStaySparkFree() {
    noClasses().that(sparkFree())
        .should().dependOnClassesThat().resideInAnyPackage(SPARK_HADOOP_DELTA)
        .check(MAIN);
    noClasses().that().resideInAPackage(PAGES)
        .should().dependOnClassesThat().resideInAnyPackage(SPARK_DELTA)
        .check(MAIN);
  }

  @Test
  void theSparkFreePackagesOfPipelineKnowNothingOfItsSparkSide() {
    noClasses().that(sparkFree().or(resideInAnyPackage(PAGES)))
        .should().dependOnClassesThat().resideInAnyPackage(SPARK_STEPS)
        .check(MAIN);
  }

  @Test
  void jobsAndUdfsUseTheSparkSideOfPipelineThroughItsFacade() {
    DescribedPredicate<JavaClass> sparkSide = resideInAnyPackage("io.scriptorium.pipeline..")
        .and(DescribedPredicate.not(sparkFree().or(resideInAnyPackage(PAGES))))
        .and(DescribedPredicate.not(facade()))
        .and(DescribedPredicate.not(belongsTo(KNOWN_BYPASSES)))
        .as("pipeline classes behind the facade");
    noClasses().that().resideInAnyPackage("io.scriptorium.jobs..", "io.scriptorium.udfs..")
        .should().dependOnClassesThat(sparkSide)
        .check(MAIN);
  }

  @Test
  void noProductionClassUsesTheBenchmarkHooks() {
    noClasses().that(DescribedPredicate.not(belongsTo(BENCHMARK_HOOKS)).as("are not the benchmark hooks"))
        .should().dependOnClassesThat(belongsTo(BENCHMARK_HOOKS).as("are the benchmark hooks " + BENCHMARK_HOOKS))
        .check(MAIN);
  }

  private static DescribedPredicate<JavaClass> sparkFree() {
    return resideInAnyPackage(SPARK_FREE).and(DescribedPredicate.not(belongsTo(Set.of(EVALUATION_JOB))))
        .as("the Spark-free packages of pipeline");
  }

  private static DescribedPredicate<JavaClass> facade() {
    Set<String> names = new java.util.HashSet<>();
    FACADE.forEach(name -> names.add("io.scriptorium.pipeline." + name));
    return belongsTo(names).as("the facade");
  }

  /** The class or a class nested in it; a nested name admits that nested class alone. */
  private static DescribedPredicate<JavaClass> belongsTo(Set<String> names) {
    return DescribedPredicate.describe("one of " + names, c -> {
      String name = c.getName();
      int nested = name.indexOf('$');
      return names.contains(name) || names.contains(nested < 0 ? name : name.substring(0, nested));
    });
  }
}
