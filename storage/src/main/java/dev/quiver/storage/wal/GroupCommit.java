package dev.quiver.storage.wal;

import dev.quiver.storage.FileIo;
import dev.quiver.storage.StoreIOException;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The durability side of the {@link WalWriter}: which LSNs the OS has and which are forced to the device, and group
 * commit (one thread forces for every syncing appender waiting, so concurrent writers share one fsync). A roll, trim
 * or close takes exclusive control ({@link #exclude}) so no force runs on a channel being swapped or closed.
 *
 * <p>A failed force is sticky: after a failed fsync the kernel may have dropped the dirty pages and a later force can
 * succeed without them ("fsyncgate"), so every later force and append is refused and the engine must reopen, which
 * re-reads what really is in the file.
 */
final class GroupCommit {

    private final Path activeFile;
    /**
     * The active segment's force handle (an interrupt of the thread forcing through it does not close it, as it would
     * the writers' shared {@code FileChannel}); read under the monitor (it only changes while forces are excluded).
     */
    private final Supplier<AsynchronousFileChannel> channel;
    private final Object monitor = new Object();
    private long writtenLsn; // highest LSN handed to the OS; guarded by monitor
    private long durableLsn; // highest LSN known forced to the device; guarded by monitor
    private boolean forcing; // a force, or a roll/trim/close excluding forces, is in progress; guarded by monitor
    private long forceCount; // forces issued for syncing appends; guarded by monitor
    private volatile IOException failure;

    GroupCommit(Path activeFile, Supplier<AsynchronousFileChannel> channel) {
        this.activeFile = activeFile;
        this.channel = channel;
    }

    /** Everything up to {@code lsn} is on the device already (a log just opened or recovered). */
    void startAt(long lsn) {
        synchronized (monitor) {
            writtenLsn = lsn;
            durableLsn = lsn;
        }
    }

    /** Records up to {@code lsn} have been handed to the OS. */
    void written(long lsn) {
        synchronized (monitor) {
            if (lsn > writtenLsn) {
                writtenLsn = lsn;
            }
        }
    }

    /** The highest LSN handed to the OS. */
    long writtenLsn() {
        synchronized (monitor) {
            return writtenLsn;
        }
    }

    /** Forces issued for syncing appends: with group commit, fewer than syncing appends. */
    long forceCount() {
        synchronized (monitor) {
            return forceCount;
        }
    }

    /** The failure of an earlier force, or null: once set, the log takes no more appends or forces. */
    IOException failure() {
        return failure;
    }

    /** Returns once {@code lsn} is forced; one thread forces for everyone waiting. */
    void awaitDurable(long lsn) {
        boolean interrupted = false;
        try {
            while (true) {
                long target;
                AsynchronousFileChannel toForce;
                synchronized (monitor) {
                    while (durableLsn < lsn && forcing) {
                        try {
                            monitor.wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // the record is written; we owe the caller its durability
                        }
                    }
                    if (durableLsn >= lsn) {
                        return;
                    }
                    IOException failed = failure;
                    if (failed != null) {
                        throw new StoreIOException(activeFile, "force (an earlier force failed; reopen the database)",
                                failed);
                    }
                    toForce = channel.get();
                    if (toForce == null) {
                        throw new StoreIOException(activeFile, "force (the log is closed)",
                                new java.nio.channels.ClosedChannelException());
                    }
                    forcing = true;
                    forceCount++;
                    target = writtenLsn;
                }
                boolean forced = false;
                try {
                    interrupted |= Thread.interrupted();
                    FileIo.force(toForce, false, activeFile);
                    forced = true;
                } catch (IOException e) {
                    failure = e;
                    throw new StoreIOException(activeFile, "force", e);
                } finally {
                    synchronized (monitor) {
                        forcing = false;
                        if (forced && target > durableLsn) {
                            durableLsn = target;
                        }
                        monitor.notifyAll();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes exclusive control for a roll/trim/close (the caller holds the append lock): waits out a running force. */
    void exclude() {
        synchronized (monitor) {
            boolean interrupted = false;
            while (forcing) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            forcing = true;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends {@link #exclude}; {@code nowDurable} is what the excluded operation forced (or -1). */
    void release(long nowDurable) {
        synchronized (monitor) {
            forcing = false;
            if (nowDurable > durableLsn) {
                durableLsn = nowDurable;
            }
            monitor.notifyAll();
        }
    }
}
