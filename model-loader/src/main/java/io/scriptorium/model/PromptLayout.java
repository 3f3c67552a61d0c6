package io.scriptorium.model;

/**
 * The model input of one (image, prompt) pair: token ids and XD-RoPE position ids (BUNDLE_FORMAT.md "Prompt token
 * layout" and "XD-RoPE position ids").
 *
 * @param ids {@code [bos, system_sep, image_start, image_token x N, image_end, text..., user]}
 * @param positions {@code [4, S]} flattened, axes p, w, h, t
 * @param imageTokens N = (gh/2) * (gw/2 + 1) + 2
 */
record PromptLayout(long[] ids, long[] positions, int imageTokens) {
  static final int AXES = 4;
  /** Index of image_start: after BOS and the system separator of the empty system message. */
  static final int IMAGE_START_INDEX = 2;

  int length() {
    return ids.length;
  }

  static int imageTokenCount(int gridH, int gridW, int mergeSize) {
    return (gridH / mergeSize) * (gridW / mergeSize + 1) + 2;
  }

  static PromptLayout build(Manifest.Special sp, long[] textIds, int gridH, int gridW, int mergeSize) {
    int n = imageTokenCount(gridH, gridW, mergeSize);
    int s = 3 + n + 1 + textIds.length + 1;
    long[] ids = new long[s];
    int i = 0;
    ids[i++] = sp.bos();
    ids[i++] = sp.systemSep();
    ids[i++] = sp.imageStart();
    for (int k = 0; k < n; k++) {
      ids[i++] = sp.imageToken();
    }
    ids[i++] = sp.imageEnd();
    System.arraycopy(textIds, 0, ids, i, textIds.length);
    i += textIds.length;
    ids[i] = sp.user();
    return new PromptLayout(ids, positions(s, IMAGE_START_INDEX, gridH / mergeSize, gridW / mergeSize), n);
  }

  /**
   * Every axis sequential, except the spatial block that starts two after image_start: offset r*(mw+1)+c gets w=c,
   * h=r, t=0 (p stays sequential). mh, mw are the merged grid sides.
   */
  static long[] positions(int length, int imageStart, int mh, int mw) {
    long[] pos = new long[AXES * length];
    for (int a = 0; a < AXES; a++) {
      for (int j = 0; j < length; j++) {
        pos[a * length + j] = j;
      }
    }
    int blockStart = imageStart + 2;
    int cols = mw + 1;
    for (int r = 0; r < mh; r++) {
      for (int c = 0; c < cols; c++) {
        int j = blockStart + r * cols + c;
        pos[length + j] = c;
        pos[2 * length + j] = r;
        pos[3 * length + j] = 0;
      }
    }
    return pos;
  }
}
