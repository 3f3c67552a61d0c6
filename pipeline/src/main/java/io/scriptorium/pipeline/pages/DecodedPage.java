package io.scriptorium.pipeline.pages;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * A page decoded to 8-bit RGB.
 *
 * <p>{@code width} and {@code height} are the page's SOURCE size: the image file's pixel size, or a PDF page's crop
 * box at {@link PageOptions#pdfDpi()}. The {@code image} of a raster file is always that size (decoded in full, as
 * Pillow decodes it); a PDF page over {@link PageOptions#maxRenderedPixels()} is rendered at a lower resolution, and
 * anything located on it, such as OCR boxes, must be scaled by {@code width / image.getWidth()} to refer to source
 * pixels.
 *
 * @param ref the page read
 * @param image {@code TYPE_3BYTE_BGR} or {@code TYPE_INT_RGB}, holding what Pillow's {@code convert("RGB")} gives
 *     for the file (ICC profiles ignored, alpha dropped, 16-bit, grey, palette and CMYK converted by Pillow's rules;
 *     see {@link io.scriptorium.model.RgbRows})
 * @param width source width in pixels
 * @param height source height in pixels
 * @param contentSha256 lower-case hex sha256 of the file's bytes for single-image files (and single-page TIFFs);
 *     for PDF pages and pages of multi-page TIFFs, of the returned image's pixels as R, G, B bytes, row by row
 * @param decodeNanos wall time of {@link PageReader#read}, including opening (and copying) the file when it was not
 *     already open
 */
public record DecodedPage(PageRef ref, BufferedImage image, int width, int height, String contentSha256,
    long decodeNanos) {
  public DecodedPage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(contentSha256, "contentSha256");
  }
}
