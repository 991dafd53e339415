package io.ferrum.conductor.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's file system with every write forced to the disk before it returns ({@code fdatasync}), under
 * the scheme {@value #SCHEME}: with {@code WRITE_DELAY=0}, H2 writes each commit before the commit
 * returns, and this makes that write durable, so a committed transaction survives a crash of the
 * process and of the machine. Thread-safe (as H2's own file systems are).
 */
public final class SyncedFilePath extends FilePathWrapper {

  /** The scheme a database path is prefixed with: {@code ferrumsync:/var/lib/ferrum/ferrum}. */
  public static final String SCHEME = "ferrumsync";

  private static volatile boolean registered;

  /** Registers the scheme with H2, once per class loader. */
  public static void register() {
    if (!registered) {
      synchronized (SyncedFilePath.class) {
        if (!registered) {
          FilePath.register(new SyncedFilePath());
          registered = true;
        }
      }
    }
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    return new Synced(getBase().open(mode));
  }

  /** A channel that forces its data to the disk after every write. */
  private static final class Synced extends FileBase {
    private final FileChannel base;

    Synced(FileChannel base) {
      this.base = base;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      int written = base.write(src, position);
      base.force(false);
      return written;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int written = base.write(src);
      base.force(false);
      return written;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return base.read(dst);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return base.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return base.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      base.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return base.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      base.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      base.force(metaData);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return base.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      base.close();
    }

    @Override
    public String toString() {
      return SCHEME + ":" + base;
    }
  }
}
