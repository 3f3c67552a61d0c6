/**
 * Parsers for HunyuanOCR 1.0 answers: decoded model text in, records and warnings out.
 *
 * <p>The one entry point is {@link io.scriptorium.pipeline.parse.OutputParsers}, with a method per task and the
 * {@link io.scriptorium.pipeline.parse.OutputParsers#PARSER_VERSION} to store next to every parsed row. The records
 * are public so that the pipeline can map them to Spark rows; everything else is package-private.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Total.</b> Every parser accepts any string, null included, and returns records plus
 *       {@link io.scriptorium.pipeline.parse.ParseWarning}s; none throws. Nothing is caught to make this so: every
 *       scan is bounded by the input, numbers saturate instead of overflowing, recursion (JSON only) is capped, and
 *       repeated searches remember their last answer so that hostile input costs linear time.
 *   <li><b>Repetition first, as the official client does.</b> Every parser first applies exactly the official
 *       HunyuanOCR 1.0 post-processing, {@code clean_repeated_substrings}
 *       ({@link io.scriptorium.pipeline.parse.OutputParsers#trimRepetition}), and reports a
 *       {@code repetition_trimmed} warning when it cut something: only a text of at least 8000 characters (Unicode
 *       code points, as Python counts them, not UTF-16 units) is examined; for unit lengths L = 2 .. length / 10 in
 *       increasing order, the first L whose last L characters end the text in at least 10 back-to-back copies has
 *       that tail cut to one copy (the first qualifying L wins even if it is not the shortest unit). Nothing else
 *       changes the text.
 *   <li><b>Stricter loops are reported, not cut.</b> A stricter detector then looks at the text the parser works
 *       on; a looping tail the official rule left alone gives a {@code repetition_suspected} warning with its unit
 *       length and copies, and the text stays as it is. Detector thresholds: at least 4 back-to-back copies of the
 *       shortest unit, covering at least 16 characters; 32 for units of 1..3 characters; 256 for structural units
 *       (no letter, digit or supplementary character, or holding a {@code |}), so dot leaders, rules, blanks and
 *       Markdown table rows raise no warning.
 *   <li><b>Safe tables.</b> Table HTML is parsed with jsoup and rebuilt from {@code table, caption, thead, tbody,
 *       tfoot, tr, td, th} and text only; {@code colspan}/{@code rowspan} survive with values 2..1000.
 *   <li><b>Grid coordinates.</b> Boxes stay on the model's 0..1000 grid (values outside are clamped, with a
 *       warning); {@link io.scriptorium.pipeline.parse.Box#denormalize} gives pixels as the reference does.
 * </ul>
 */
package io.scriptorium.pipeline.parse;
