package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Writes a directory of awkward inputs, good and bad, and says what reading each one must give. Every file is
 * generated here, deterministically; nothing is copied from elsewhere. End-to-end job tests reuse it from the
 * pipeline test-jar: {@code BadInputCorpus.write(dir)}, then compare rows against {@link #expected()}.
 */
public final class BadInputCorpus {
  /**
   * What reading one corpus file must give.
   *
   * @param fileName the file's name inside the corpus directory
   * @param status {@link PageStatus#OK} or {@link PageStatus#FAILED}
   * @param errorClass the reading class when failed, else null
   * @param pages pages (rows) the file yields: its page count when ok, 1 when it fails
   * @param format the sniffed format, as in {@link PageRef#format()}
   */
  public record Expected(String fileName, PageStatus status, ErrorClass errorClass, int pages, String format) {
    public boolean ok() {
      return status == PageStatus.OK;
    }

    static Expected ok(String fileName, int pages, String format) {
      return new Expected(fileName, PageStatus.OK, null, pages, format);
    }

    static Expected failed(String fileName, ErrorClass errorClass, String format) {
      return new Expected(fileName, PageStatus.FAILED, errorClass, 1, format);
    }
  }

  private static final List<Expected> EXPECTED = List.of(
      Expected.failed("empty.png", ErrorClass.EMPTY_FILE, "unknown"),
      Expected.failed("truncated.jpg", ErrorClass.CORRUPT_IMAGE, "jpeg"),
      Expected.failed("truncated.png", ErrorClass.CORRUPT_IMAGE, "png"),
      Expected.failed("random-bytes.png", ErrorClass.CORRUPT_IMAGE, "unknown"),
      Expected.failed("png-header-then-garbage.png", ErrorClass.CORRUPT_IMAGE, "png"),
      Expected.failed("notes.txt", ErrorClass.UNSUPPORTED_FORMAT, "unknown"),
      Expected.failed("encrypted.pdf", ErrorClass.ENCRYPTED_PDF, "pdf"),
      Expected.failed("garbage-after-header.pdf", ErrorClass.CORRUPT_PDF, "pdf"),
      Expected.failed("truncated.pdf", ErrorClass.CORRUPT_PDF, "pdf"),
      Expected.failed("bomb-100000x100000.png", ErrorClass.DECOMPRESSION_BOMB, "png"),
      Expected.failed("one-pixel.png", ErrorClass.IMAGE_TOO_SMALL, "png"),
      Expected.ok("png-named.jpg", 1, "png"),
      Expected.ok("jpeg-with-trailing-data.jpg", 1, "jpeg"),
      Expected.ok("rgb-16bit.png", 1, "png"),
      Expected.ok("grey-16bit.png", 1, "png"),
      Expected.ok("palette-transparent.png", 1, "png"),
      Expected.ok("grey-alpha.png", 1, "png"),
      Expected.ok("rgba.png", 1, "png"),
      Expected.ok("cmyk.jpg", 1, "jpeg"),
      Expected.ok("cmyk.tif", 1, "tiff"),
      Expected.ok("three-pages.tif", 3, "tiff"),
      Expected.ok("two-pages.pdf", 2, "pdf"),
      Expected.ok("owner-password-only.pdf", 1, "pdf"),
      Expected.ok("page.bmp", 1, "bmp"),
      Expected.ok("page.gif", 1, "gif"),
      Expected.ok("lossless.webp", 1, "webp"));

  private BadInputCorpus() {}

  /** One entry per file {@link #write} creates. */
  public static List<Expected> expected() {
    return EXPECTED;
  }

  /** Writes every corpus file into {@code dir} (created if missing) and returns {@link #expected()}. */
  public static List<Expected> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(20240917L);
    BufferedImage page = textPage(320, 240, "Scriptorium corpus");

    Files.write(dir.resolve("empty.png"), new byte[0]);
    byte[] jpeg = encode(page, "jpeg");
    Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length * 6 / 10));
    byte[] png = encode(page, "png");
    Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    byte[] noise = new byte[4096];
    random.nextBytes(noise);
    noise[0] = 0; // no magic number can start with it
    Files.write(dir.resolve("random-bytes.png"), noise);
    byte[] fakePng = Arrays.copyOf(png, 4096);
    random.nextBytes(noise);
    System.arraycopy(noise, 0, fakePng, 8, fakePng.length - 8); // signature kept, IHDR gone
    Files.write(dir.resolve("png-header-then-garbage.png"), fakePng);
    Files.writeString(dir.resolve("notes.txt"), "Minutes of the meeting.\nNothing to OCR here.\n");

    writePdf(dir.resolve("encrypted.pdf"), 1, "user-secret");
    writePdf(dir.resolve("owner-password-only.pdf"), 1, "");
    byte[] garbagePdf = new byte[8192];
    random.nextBytes(garbagePdf);
    byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, garbagePdf, 0, header.length);
    Files.write(dir.resolve("garbage-after-header.pdf"), garbagePdf);
    writePdf(dir.resolve("two-pages.pdf"), 2, null);
    byte[] pdf = Files.readAllBytes(dir.resolve("two-pages.pdf"));
    Files.write(dir.resolve("truncated.pdf"), Arrays.copyOf(pdf, pdf.length * 4 / 10)); // catalog and xref gone

    Files.write(dir.resolve("bomb-100000x100000.png"), pngBomb(100_000, 100_000));
    Files.write(dir.resolve("one-pixel.png"), encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png"));
    Files.write(dir.resolve("png-named.jpg"), png);
    Files.write(dir.resolve("jpeg-with-trailing-data.jpg"), concat(jpeg, noise));
    Files.write(dir.resolve("rgb-16bit.png"), encode(rgb16(120, 90), "png"));
    Files.write(dir.resolve("grey-16bit.png"), encode(grey16(120, 90), "png"));
    Files.write(dir.resolve("palette-transparent.png"), encode(paletteWithTransparency(120, 90), "png"));
    Files.write(dir.resolve("grey-alpha.png"), encode(greyAlpha(120, 90), "png"));
    Files.write(dir.resolve("rgba.png"), encode(rgba(120, 90), "png"));
    Files.write(dir.resolve("cmyk.jpg"), cmykJpeg(120, 90));
    Files.write(dir.resolve("cmyk.tif"), encode(cmyk(120, 90), "tiff"));
    Files.write(dir.resolve("three-pages.tif"), threePageTiff());
    Files.write(dir.resolve("page.bmp"), encode(page, "bmp"));
    Files.write(dir.resolve("page.gif"), encode(page, "gif"));
    Files.write(dir.resolve("lossless.webp"), losslessWebp(40, 30, 200, 100, 50));
    return EXPECTED;
  }

  /** A white page with black text and a shape, so OCR and colour checks have something to see. */
  static BufferedImage textPage(int width, int height, String text) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, height / 12)));
    g.drawString(text, width / 16, height / 4);
    g.setColor(new Color(200, 30, 30));
    g.fillRect(width / 16, height / 2, width / 3, height / 4);
    g.dispose();
    return image;
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IOException("no ImageIO writer for " + format + " and " + image);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** A valid PNG whose header declares {@code width x height} RGB pixels, with one deflated row of data. */
  static byte[] pngBomb(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    writeInt(ihdr, width);
    writeInt(ihdr, height);
    ihdr.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, adaptive filter, no interlace
    chunk(out, "IHDR", ihdr.toByteArray());
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(new byte[1 + 3 * 1024]); // a filter byte and some black pixels: the rest is missing
    deflater.finish();
    byte[] idat = new byte[256];
    int n = deflater.deflate(idat);
    deflater.end();
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    writeInt(out, data.length);
    out.write(typeBytes);
    out.write(data);
    CRC32 crc = new CRC32(); // over type and data, not the length
    crc.update(typeBytes);
    crc.update(data);
    writeInt(out, (int) crc.getValue());
  }

  private static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  private static BufferedImage rgb16(int width, int height) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, new int[] {x * 65535 / width, 0xABCD, y * 65535 / height});
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  private static BufferedImage grey16(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x + y) * 65535 / (width + height));
      }
    }
    return image;
  }

  private static BufferedImage paletteWithTransparency(int width, int height) {
    byte[] r = {(byte) 255, 0, (byte) 200, 0};
    byte[] g = {(byte) 255, 0, 30, (byte) 180};
    byte[] b = {(byte) 255, 0, 30, 0};
    byte[] a = {(byte) 255, (byte) 255, (byte) 255, 0}; // the last entry is fully transparent green
    IndexColorModel cm = new IndexColorModel(2, 4, r, g, b, a);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, cm);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x / 30) % 4);
      }
    }
    return image;
  }

  private static BufferedImage greyAlpha(int width, int height) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, new int[] {x * 255 / width, y * 255 / height});
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  private static BufferedImage rgba(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 255 / width) << 24 | 0x10_20_30); // colour fixed, alpha varies
      }
    }
    return image;
  }

  private static BufferedImage cmyk(int width, int height) {
    ColorSpace cmyk = com.twelvemonkeys.imageio.color.ColorSpaces.getColorSpace(
        com.twelvemonkeys.imageio.color.ColorSpaces.CS_GENERIC_CMYK);
    ComponentColorModel cm = new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
    fillCmyk(raster);
    return new BufferedImage(cm, raster, false, null);
  }

  private static void fillCmyk(WritableRaster raster) {
    for (int y = 0; y < raster.getHeight(); y++) {
      for (int x = 0; x < raster.getWidth(); x++) {
        boolean left = x < raster.getWidth() / 2;
        raster.setPixel(x, y, new int[] {left ? 0 : 255, y * 2, 0, left ? 0 : 60});
      }
    }
  }

  /**
   * A CMYK JPEG: a 4-band raster through the JPEG writer, then an Adobe APP14 segment (transform 0, no colour
   * transform) after SOI, which is what tells readers the four components are C, M, Y and K.
   */
  private static byte[] cmykJpeg(int width, int height) throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    fillCmyk(raster);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(raster, null, null), null);
    } finally {
      writer.dispose();
    }
    byte[] plain = out.toByteArray();
    byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    ByteArrayOutputStream withAdobe = new ByteArrayOutputStream();
    withAdobe.write(plain, 0, 2);
    withAdobe.write(adobe);
    withAdobe.write(plain, 2, plain.length - 2);
    return withAdobe.toByteArray();
  }

  /** Page 1 LZW RGB, page 2 CCITT T.6 bilevel, page 3 JPEG-compressed RGB; each page says its number. */
  private static byte[] threePageTiff() throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      String[] compressions = {"LZW", "CCITT T.6", "JPEG"};
      for (int i = 0; i < compressions.length; i++) {
        BufferedImage page = textPage(200 + 20 * i, 150, "Page " + (i + 1));
        if (compressions[i].startsWith("CCITT")) {
          BufferedImage bilevel = new BufferedImage(page.getWidth(), page.getHeight(),
              BufferedImage.TYPE_BYTE_BINARY);
          Graphics2D g = bilevel.createGraphics();
          g.drawImage(page, 0, 0, null);
          g.dispose();
          page = bilevel;
        }
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType(compressions[i]);
        writer.writeToSequence(new IIOImage(page, null, null), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Letter-size pages with text drawn in Helvetica; protected with {@code userPassword} unless it is null. */
  static void writePdf(Path file, int pages, String userPassword) throws IOException {
    try (PDDocument document = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (int i = 1; i <= pages; i++) {
        PDPage page = new PDPage(PDRectangle.LETTER);
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.beginText();
          content.setFont(font, 24);
          content.newLineAtOffset(72, 700);
          content.showText("Scriptorium test page " + i + " of " + pages);
          content.endText();
          content.addRect(72, 500, 200, 100);
          content.fill();
        }
      }
      if (userPassword != null) {
        StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", userPassword,
            new AccessPermission());
        policy.setEncryptionKeyLength(128);
        document.protect(policy);
      }
      document.save(file.toFile());
    }
  }

  /**
   * A lossless WebP of one colour, written by hand (no WebP writer ships with ImageIO): VP8L header, no
   * transforms, no colour cache, and five one-symbol prefix codes, so every pixel costs zero bits.
   */
  static byte[] losslessWebp(int width, int height, int red, int green, int blue) {
    BitWriter bits = new BitWriter();
    bits.put(0x2F, 8); // VP8L signature
    bits.put(width - 1, 14);
    bits.put(height - 1, 14);
    bits.put(0, 1); // alpha unused
    bits.put(0, 3); // version 0
    bits.put(0, 1); // no transform
    bits.put(0, 1); // no colour cache
    bits.put(0, 1); // one prefix-code group
    for (int symbol : new int[] {green, red, blue, 255, 0}) { // green, red, blue, alpha, distance
      bits.put(1, 1); // simple code
      bits.put(0, 1); // one symbol
      bits.put(1, 1); // 8-bit symbol
      bits.put(symbol, 8);
    }
    byte[] data = bits.toByteArray(24); // padded: the decoder reads ahead in 64-bit words
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
    writeIntLe(out, 4 + 8 + data.length);
    out.writeBytes("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
    writeIntLe(out, data.length);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static void writeIntLe(ByteArrayOutputStream out, int value) {
    out.write(value);
    out.write(value >>> 8);
    out.write(value >>> 16);
    out.write(value >>> 24);
  }

  /** Least-significant-bit-first bit packing, as VP8L wants. */
  private static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int used;

    void put(int value, int count) {
      for (int i = 0; i < count; i++) {
        current |= ((value >>> i) & 1) << used;
        if (++used == 8) {
          out.write(current);
          current = 0;
          used = 0;
        }
      }
    }

    byte[] toByteArray(int minLength) {
      if (used > 0) {
        out.write(current);
        current = 0;
        used = 0;
      }
      byte[] bytes = out.toByteArray();
      int length = Math.max(minLength, bytes.length);
      return Arrays.copyOf(bytes, length + (length & 1)); // RIFF chunks have even sizes
    }
  }
}
