package io.ferrum.conductor.internal;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.h2.mvstore.Chunk;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points an H2 file's store header at its newest complete chunk before the database is opened, so
 * that a commit H2 put on disk before the process died is found again.
 *
 * <p>H2 (2.3 to 2.5 at least) finds the newest data of a file that was not closed cleanly by
 * starting from the chunk its store header names and following each chunk's guess of where the next
 * one goes. When a chunk lands elsewhere (in space freed by older chunks), H2 rewrites the header,
 * but with the chunk written before it rather than the new one: the new chunk, and every chunk
 * after it until the header is next rewritten, are on disk yet unreachable, and opening the file
 * silently goes back to the state before them. Reading the whole file as H2's own recovery does
 * finds them; this writes that chunk into the header, so the ordinary open that follows starts from
 * it.
 *
 * <p>A file closed cleanly (its header says so) is left alone, as is one another process holds.
 * Stateless and thread-safe.
 */
public final class H2HeaderRepair {

  private static final Logger LOG = LoggerFactory.getLogger(H2HeaderRepair.class);
  private static final int BLOCK_SIZE = 4096;

  private H2HeaderRepair() {}

  /**
   * Repairs the header of {@code file} (an H2 {@code .mv.db}) when needed; does nothing for a file
   * that is missing, closed cleanly, in use, or already right. Never throws: what it could not do
   * is logged, and H2's own open decides.
   *
   * @return whether the header was rewritten
   */
  public static boolean repair(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try {
      Map<String, String> header = readHeader(file);
      if (header == null || "1".equals(header.get("clean"))) {
        return false; // unreadable (H2 reports it) or closed cleanly: nothing is lost
      }
      Chunk<?> newest = newestChunk(file);
      if (newest == null) {
        return false;
      }
      long headerVersion = DataUtils.readHexLong(header, "version", 0);
      if (newest.version <= headerVersion) {
        return false;
      }
      writeHeader(file, header, newest);
      LOG.warn(
          "{} was not closed cleanly; its header named version {}, its newest complete data is"
              + " version {} (chunk {} at block {}): the header now names it",
          file,
          headerVersion,
          newest.version,
          newest.id,
          newest.block);
      return true;
    } catch (IOException | RuntimeException | ReflectiveOperationException e) {
      LOG.warn("Could not check the store header of {}: {}", file, e.toString());
      return false;
    }
  }

  /** The newer of the two header copies, or null when neither reads. */
  private static Map<String, String> readHeader(Path file) throws IOException {
    Map<String, String> best = null;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer blocks = ByteBuffer.allocate(2 * BLOCK_SIZE);
      while (blocks.hasRemaining() && channel.read(blocks, blocks.position()) > 0) {
        // read both header blocks
      }
      if (blocks.hasRemaining()) {
        return null;
      }
      for (int i = 0; i < 2; i++) {
        byte[] block = new byte[BLOCK_SIZE];
        System.arraycopy(blocks.array(), i * BLOCK_SIZE, block, 0, BLOCK_SIZE);
        Map<String, String> map = parseChecksummed(block);
        if (map != null
            && (best == null
                || DataUtils.readHexLong(map, "version", 0)
                    > DataUtils.readHexLong(best, "version", 0))) {
          best = map;
        }
      }
    }
    return best;
  }

  /** A header block's fields when its checksum matches, else null (H2's own format). */
  private static Map<String, String> parseChecksummed(byte[] block) {
    int end = 0;
    while (end < block.length && block[end] != '\n' && block[end] != 0) {
      end++;
    }
    String line = new String(block, 0, end, StandardCharsets.ISO_8859_1);
    int checksumAt = line.lastIndexOf(",fletcher:");
    if (checksumAt < 0) {
      return null;
    }
    try {
      int expected = Integer.parseUnsignedInt(line.substring(checksumAt + 10).trim(), 16);
      if (DataUtils.getFletcher32(block, 0, checksumAt) != expected) {
        return null;
      }
      return DataUtils.parseMap(line.substring(0, checksumAt));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The chunk H2's full-file recovery settles on, read without changing the file. */
  private static Chunk<?> newestChunk(Path file) throws ReflectiveOperationException {
    MVStore store =
        new MVStore.Builder().fileName(file.toString()).recoveryMode().readOnly().open();
    try {
      FileStore<?> fileStore = store.getFileStore();
      Field last = FileStore.class.getDeclaredField("lastChunk");
      last.setAccessible(true);
      return (Chunk<?>) last.get(fileStore);
    } finally {
      store.closeImmediately();
    }
  }

  /** Both header copies, as H2 writes them, naming {@code chunk} and not marked clean. */
  private static void writeHeader(Path file, Map<String, String> old, Chunk<?> chunk)
      throws IOException {
    HashMap<String, Object> header = new HashMap<>(old);
    header.remove("fletcher");
    header.remove("clean");
    header.put("block", chunk.block);
    header.put("chunk", chunk.id);
    header.put("version", chunk.version);
    StringBuilder text = new StringBuilder(112);
    DataUtils.appendMap(text, header);
    byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    DataUtils.appendMap(text, "fletcher", DataUtils.getFletcher32(bytes, 0, bytes.length));
    text.append('\n');
    bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer buffer = ByteBuffer.allocate(2 * BLOCK_SIZE);
    buffer.put(bytes);
    buffer.position(BLOCK_SIZE);
    buffer.put(bytes);
    buffer.rewind();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      while (buffer.hasRemaining()) {
        channel.write(buffer, buffer.position());
      }
      channel.force(true);
    }
  }
}
