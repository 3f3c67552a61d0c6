package io.scriptorium.jobs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.scriptorium.model.BundleException;
import io.scriptorium.model.ImageRejectedException;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Preprocessor;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageFailure;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.pages.PageSources;
import io.scriptorium.pipeline.pages.SourceFile;
import io.scriptorium.pipeline.vocab.ErrorClass;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the model sees of each page, without Spark or the model: the pages are read by the pipeline's own
 * {@link PageReader} and preprocessed by the bundle's own preprocessing (the code {@code digitize} runs), and each page
 * is printed as one JSON line with the keys {@code hunyuan_ocr.py preprocess} prints, to compare with Pillow.
 */
@Command(name = "inspect-image", mixinStandardHelpOptions = true,
    description = {"Print what the model sees of every page of the given files: one JSON line per page with file,"
        + " page, format and the keys `hunyuan_ocr.py preprocess` prints (original, resized, grid, num_image_tokens,"
        + " pixel_values_shape, pixel_values_sha256). Pages are read and preprocessed by the code digitize runs;"
        + " no Spark, the model is not loaded.",
        "Exit 0 when every page was prepared, 1 when a page failed (its line has error_class and error), 2 on a"
            + " usage error."})
final class InspectImageCommand implements Callable<Integer> {
  static final String NAME = "inspect-image";

  @Option(names = "--model", paramLabel = "URI",
      description = "Model bundle whose preprocessing to apply: builtin:tiny, a directory or any file-system URI;"
          + " only its manifest.json is used (default: spark.scriptorium.model, else builtin:tiny, whose limits are"
          + " toy-sized: 256x256 to 640x640 pixels).")
  String model;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "Image or PDF files, or directories read recursively (local paths or file:, s3a:, hdfs: URIs).")
  List<String> files = new ArrayList<>();

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    Configuration conf = new Configuration();
    String bundle = model != null ? model : System.getProperty(ScriptoriumConf.MODEL, ScriptoriumConf.MODEL_DEFAULT);
    Preprocessor preprocessor;
    List<SourceFile> sources;
    try {
      String cache = System.getProperty(ScriptoriumConf.MODEL_CACHE_DIR, ScriptoriumConf.MODEL_CACHE_DIR_DEFAULT)
          .replace(ScriptoriumConf.JAVA_IO_TMPDIR, System.getProperty("java.io.tmpdir"));
      preprocessor = Preprocessor.forBundle(Scriptorium.localizeBundle(bundle, conf, cache));
      sources = PageSources.list(files.stream().map(InspectImageCommand::uri).toList(), null, conf);
    } catch (BundleException | IOException | IllegalArgumentException e) {
      err.println("scriptorium " + NAME + ": " + e.getMessage());
      return 2;
    }
    err.printf("scriptorium %s: preprocessing of %s: %d to %d pixels after resizing%s%n", NAME, bundle,
        preprocessor.minPixels(), preprocessor.maxPixels(), bundle.equals(ScriptoriumConf.MODEL_DEFAULT)
            ? " (the tiny twin's; the real model's are 262144 to 4194304: give --model BUNDLE)" : "");

    PageOptions options = pageOptions();
    Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    int failed = 0;
    try (PageReader reader = new PageReader(conf, options)) {
      for (SourceFile source : sources) {
        for (PageRef ref : PageSources.expand(source, conf, options)) {
          JsonObject line = inspect(reader, preprocessor, ref);
          failed += line.has("error_class") ? 1 : 0;
          out.println(gson.toJson(line));
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }

  /** One page as {@code hunyuan_ocr.py preprocess} describes it, or its failure. */
  static JsonObject inspect(PageReader reader, Preprocessor preprocessor, PageRef ref) {
    JsonObject line = new JsonObject();
    line.addProperty("file", ref.sourceUri());
    line.addProperty("page", ref.pageNo());
    line.addProperty("format", ref.format());
    DecodedPage page;
    PreparedImage image;
    try {
      page = reader.read(ref);
      image = preprocessor.prepare(page.image());
    } catch (PageFailure e) {
      line.addProperty("error_class", e.errorClass().wireName());
      line.addProperty("error", e.getMessage());
      return line;
    } catch (ImageRejectedException e) {
      line.addProperty("error_class", ErrorClass.IMAGE_REJECTED.wireName()); // what digitize records for the page
      line.addProperty("error", ref.sourceUri() + " page " + ref.pageNo() + ": " + e.getMessage());
      return line;
    }
    line.add("original", pair(image.originalWidth(), image.originalHeight()));
    line.add("resized", pair(image.resizedWidth(), image.resizedHeight()));
    line.add("grid", pair(image.gridH(), image.gridW()));
    line.addProperty("num_image_tokens", preprocessor.imageTokens(image));
    int[] shape = image.pixelValuesShape();
    line.add("pixel_values_shape", pair(shape[0], shape[1]));
    line.addProperty("pixel_values_sha256", image.pixelValuesSha256());
    return line;
  }

  /** Digitize's page options, with the two settings that change pixels taken from {@code --conf} when given. */
  static PageOptions pageOptions() {
    PageOptions d = PageOptions.defaults();
    return new PageOptions(
        Integer.getInteger(ScriptoriumConf.PDF_DPI, ScriptoriumConf.PDF_DPI_DEFAULT),
        d.maxRenderedPixels(),
        Long.getLong(ScriptoriumConf.MAX_DECLARED_PIXELS, ScriptoriumConf.MAX_DECLARED_PIXELS_DEFAULT),
        d.minSide(),
        d.maxFileBytes());
  }

  /** Local paths become absolute {@code file:} URIs; URIs stay as given. */
  private static String uri(String file) {
    if (file.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !file.matches("^[a-zA-Z]:[\\\\/].*")) {
      return file;
    }
    Path path = Path.of(file).toAbsolutePath().normalize();
    return Files.isDirectory(path) || Files.exists(path) ? path.toUri().toString() : path.toString();
  }

  private static JsonArray pair(int a, int b) {
    JsonArray array = new JsonArray();
    array.add(a);
    array.add(b);
    return array;
  }
}
