package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** Expands a file and reads every page, the way the job does, recording each page's outcome. */
record PageRun(List<PageRef> refs, List<DecodedPage> decoded, List<PageFailure> failures) {

  static PageRun of(String uri, Configuration conf, PageOptions options) {
    try (PageReader reader = new PageReader(conf, options)) {
      return of(uri, conf, options, reader);
    }
  }

  static PageRun of(String uri, Configuration conf, PageOptions options, PageReader reader) {
    List<PageRef> refs = PageSources.expand(new SourceFile(uri, -1, -1), conf, options);
    List<DecodedPage> decoded = new ArrayList<>();
    List<PageFailure> failures = new ArrayList<>();
    for (PageRef ref : refs) {
      try {
        decoded.add(reader.read(ref));
      } catch (PageFailure e) {
        failures.add(e);
      }
    }
    return new PageRun(refs, decoded, failures);
  }

  boolean ok() {
    return failures.isEmpty();
  }

  String format() {
    return refs.get(0).format();
  }

  /** The first failure's class, or null. */
  ErrorClass errorClass() {
    return failures.isEmpty() ? null : failures.get(0).errorClass();
  }
}
