/**
 * Turns source files into page images for OCR, inside Spark executors, from any Hadoop file system.
 *
 * <p>{@link io.scriptorium.pipeline.pages.PageSources#list} finds the files, {@link
 * io.scriptorium.pipeline.pages.PageSources#expand} splits each into {@link io.scriptorium.pipeline.pages.PageRef}s
 * and {@link io.scriptorium.pipeline.pages.PageReader} decodes them to 8-bit RGB.
 *
 * <ul>
 *   <li>Formats are recognised by content: JPEG (CMYK and YCCK too), PNG, TIFF (every image a page), BMP, GIF and
 *       WebP (first frame) through ImageIO and TwelveMonkeys, PDF through PDFBox (JBIG2 through jbig2-imageio).
 *       JPEG and PNG go through libjpeg-turbo and libpng (OpenCV's builds) where their RGB is Pillow's bit for bit
 *       and the native library loads; ImageIO otherwise, with the same pixels.
 *       A file whose name lies is read for what it is. Unknown content is {@code unsupported_format}, or
 *       {@code corrupt_image} / {@code corrupt_pdf} when its name claims one of our formats.
 *   <li>Every failure has a stable error class ({@link io.scriptorium.pipeline.vocab.ErrorClass}, reading group)
 *       and a message that starts with the file URI, and page number when one page failed.
 *   <li>Pixels are Pillow's: raster images are decoded at full resolution (never subsampled) and converted to RGB
 *       as Pillow's {@code convert("RGB")} does (embedded ICC profiles ignored, alpha dropped, Pillow's CMYK
 *       formula, JPEG colour conversion with libjpeg's tables), so the model's one bicubic resize starts from the
 *       pixels the official processor starts from.
 *   <li>Sizes: headers are checked before decoding (decompression bombs above Pillow's 178,956,970 pixels, tiny
 *       images); PDF pages too large at the configured dpi are rendered at a lower resolution. {@link
 *       io.scriptorium.pipeline.pages.DecodedPage#width()} and {@code height()} stay the source's size.
 *   <li>A truncated JPEG (no end-of-image marker after the last scan) fails as {@code corrupt_image} rather than
 *       decoding to a grey-filled page; other formats fail when their decoder throws.
 *   <li>Remote files are copied once to {@code java.io.tmpdir} per reader and file, local ones read in place.
 * </ul>
 */
package io.scriptorium.pipeline.pages;
