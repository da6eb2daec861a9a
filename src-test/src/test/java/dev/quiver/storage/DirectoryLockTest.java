package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondOpenInThisProcessFailsNamingTheDirectory() {
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            assertTrue(lock.isHeld());
            LockedStoreException e = assertThrows(LockedStoreException.class, () -> DirectoryLock.acquire(dir));
            assertEquals(dir, e.directory());
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertThrows(LockedStoreException.class, () -> DatabaseDirectory.open(dir, false));
        }
        DirectoryLock.acquire(dir).close(); // released: free again
    }

    @Test
    void anotherProcessHoldingTheLockBlocksUntilItDies() throws Exception {
        try (ChildProcess child = new ChildProcess("lock", dir.toString())) {
            String line = child.awaitLine(60);
            assertTrue(line.startsWith("locked"), line);
            LockedStoreException e = assertThrows(LockedStoreException.class, () -> DirectoryLock.acquire(dir));
            assertTrue(e.getMessage().contains("another process"), e.getMessage());
            child.kill();
        }
        assertTrue(Files.exists(dir.resolve(DirectoryLock.FILE_NAME)), "the stale lock file stays");
        try (DatabaseDirectory store = DatabaseDirectory.open(dir, false)) {
            assertEquals(dir, store.directory());
        }
    }

    @Test
    void aMissingDirectoryIsAnIoErrorNotALock() {
        Path missing = dir.resolve("nope");
        assertThrows(StoreIOException.class, () -> DirectoryLock.acquire(missing));
        assertThrows(StoreIOException.class, () -> DatabaseDirectory.open(missing, false));
    }
}
