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
 *   <li><b>Repetition first.</b> Every parser first cuts a looping tail
 *       ({@link io.scriptorium.pipeline.parse.OutputParsers#trimRepetition}) and reports a
 *       {@code repetition_trimmed} warning. Thresholds: at least 4 back-to-back copies of the shortest unit, covering
 *       at least 16 chars; 32 chars for units of 1..3 chars; 256 chars for structural units (no letter or digit, or
 *       holding a {@code |}), which keeps dot leaders, rules, blanks and Markdown table rows intact.
 *   <li><b>Safe tables.</b> Table HTML is parsed with jsoup and rebuilt from {@code table, caption, thead, tbody,
 *       tfoot, tr, td, th} and text only; {@code colspan}/{@code rowspan} survive with values 2..1000.
 *   <li><b>Grid coordinates.</b> Boxes stay on the model's 0..1000 grid (values outside are clamped, with a
 *       warning); {@link io.scriptorium.pipeline.parse.Box#denormalize} gives pixels as the reference does.
 * </ul>
 */
package io.scriptorium.pipeline.parse;
