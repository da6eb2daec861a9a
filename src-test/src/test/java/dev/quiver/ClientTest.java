package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Collections, as vctrs's client manages them. */
class ClientTest {

    @TempDir
    Path tmp;

    @Test
    void clientCreatesItsRoot() {
        Path root = tmp.resolve("x/y");
        try (Client client = new Client(root)) {
            assertTrue(Files.isDirectory(root));
            assertEquals(List.of(), client.listCollections());
        }
    }

    @Test
    void createGetListAndDelete() {
        try (Client client = new Client(tmp)) {
            Database movies = client.createCollection("movies", 4);
            movies.add("m", new float[] {1, 2, 3, 4});
            Database docs = client.createCollection("docs", Config.dim(2).metric(Metric.DOT_PRODUCT));
            assertEquals(Metric.DOT_PRODUCT, docs.metric());
            assertEquals(List.of("docs", "movies"), client.listCollections(), "listed before any save, sorted");
            assertSame(movies, client.getCollection("movies"), "one handle per collection");
            assertTrue(client.deleteCollection("docs"));
            assertTrue(docs.isClosed(), "delete closes the client's handle first");
            assertFalse(Files.exists(tmp.resolve("docs")));
            assertFalse(client.deleteCollection("docs"));
            assertEquals(List.of("movies"), client.listCollections());
        }
        try (Client client = new Client(tmp)) {
            assertEquals(1, client.getCollection("movies").size(), "close of the client saved its collections");
        }
    }

    @Test
    void createOfAnExistingNameThrows() throws Exception {
        try (Client client = new Client(tmp)) {
            client.createCollection("a", 2);
            CollectionExistsException e = assertThrows(CollectionExistsException.class,
                    () -> client.createCollection("a", 2));
            assertEquals("collection 'a' already exists", e.getMessage());
            Files.createDirectory(tmp.resolve("foreign"));
            assertThrows(CollectionExistsException.class, () -> client.createCollection("foreign", 2));
            assertEquals(List.of("a"), client.listCollections(), "a foreign directory is not a collection");
        }
    }

    @Test
    void getOfAMissingCollectionIsNotFound() {
        try (Client client = new Client(tmp)) {
            DatabaseNotFoundException e = assertThrows(DatabaseNotFoundException.class,
                    () -> client.getCollection("nope"));
            assertEquals("database not found at '" + tmp.resolve("nope") + "'", e.getMessage());
        }
    }

    @Test
    void getOrCreateCreatesOnceAndChecksTheShape() {
        try (Client client = new Client(tmp)) {
            Database a = client.getOrCreateCollection("items", 3, Metric.COSINE);
            assertSame(a, client.getOrCreateCollection("items", 3, Metric.COSINE));
            assertThrows(DimensionMismatchException.class, () -> client.getOrCreateCollection("items", 4, Metric.COSINE));
            assertThrows(InvalidArgumentException.class,
                    () -> client.getOrCreateCollection("items", 3, Metric.EUCLIDEAN));
            a.close();
            Database b = client.getOrCreateCollection("items", 3, Metric.COSINE);
            assertFalse(b.isClosed(), "a handle the caller closed is reopened");
            assertThrows(DimensionMismatchException.class, () -> {
                b.close();
                client.getOrCreateCollection("items", 5, Metric.COSINE);
            });
        }
    }

    @Test
    void getOrCreateWithAConfigCreatesWithItAndReopensWithItsSessionSettings() {
        try (Client client = new Client(tmp)) {
            Config sync = Config.dim(3).metric(Metric.EUCLIDEAN).m(8).durability(Durability.SYNC);
            Database a = client.getOrCreateCollection("docs", sync);
            a.add("x", new float[] {1, 2, 3});
            assertSame(a, client.getOrCreateCollection("docs", sync));
            assertEquals(Durability.SYNC, a.stats().durability());
            a.close();
            Database b = client.getOrCreateCollection("docs", Config.dim(3).metric(Metric.EUCLIDEAN));
            assertEquals(1, b.count(), "the existing collection is opened, not replaced");
            assertEquals(Durability.DEFAULT, b.stats().durability(), "the session setting of this open applies");
            assertThrows(DimensionMismatchException.class,
                    () -> client.getOrCreateCollection("docs", Config.dim(4).metric(Metric.EUCLIDEAN)));
            assertThrows(InvalidArgumentException.class,
                    () -> client.getOrCreateCollection("docs", Config.dim(3).metric(Metric.COSINE)));
            assertThrows(InvalidArgumentException.class, () -> client.getOrCreateCollection("docs", (Config) null));
            assertEquals(1, b.count());
        }
    }

    @Test
    void namesFollowVctrsRules() {
        try (Client client = new Client(tmp)) {
            assertInvalid(client, "", "invalid collection name: name cannot be empty");
            for (String bad : List.of("a/b", "a\\b", ".", "..")) {
                assertInvalid(client, bad, "invalid collection name: name cannot contain path separators or be '.' or '..'");
            }
            for (String bad : List.of("a b", "a.b", "x!", "tab\t")) {
                assertInvalid(client, bad, "invalid collection name: name must be alphanumeric, hyphens, or underscores");
            }
            for (String good : List.of("abc", "A-b_9", "é", "日本", "x²")) {
                client.createCollection(good, 2);
            }
            assertEquals(5, client.listCollections().size());
        }
    }

    private static void assertInvalid(Client client, String name, String message) {
        for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> client.createCollection(name, 2), () -> client.getCollection(name),
                () -> client.getOrCreateCollection(name, 2, Metric.COSINE), () -> client.deleteCollection(name))) {
            InvalidCollectionNameException e = assertThrows(InvalidCollectionNameException.class, call, name);
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void closedClientRefusesCalls() {
        Client client = new Client(tmp);
        Database db = client.createCollection("a", 2);
        client.close();
        assertTrue(db.isClosed());
        assertThrows(ClosedDatabaseException.class, client::listCollections);
        client.close();
    }

    @Test
    void deleteCollectionRefusesACollectionOpenElsewhereAndDeletesNothing() throws Exception {
        Path root = tmp.resolve("root");
        try (Client client = new Client(root)) {
            client.createCollection("x", SaveKillChild.DIM, Metric.EUCLIDEAN).add("a", SaveKillChild.vector(99, 1));
            client.getCollection("x").close();
            // Open in this process, outside the client: the lock is held.
            try (Database other = Database.open(root.resolve("x"))) {
                assertThrows(DatabaseLockedException.class, () -> client.deleteCollection("x"));
                assertTrue(Files.exists(root.resolve("x").resolve("wal.vctrs")), "nothing deleted");
                other.add("b", SaveKillChild.vector(99, 2)); // the owner keeps working
            }
            // Open in another process.
            Path dir = root.resolve("x");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED", SaveKillChild.class.getName(), dir.toString(), "7");
            Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
                String line;
                List<String> seen = new java.util.ArrayList<>();
                while ((line = out.readLine()) != null && !line.startsWith("SAVED")) {
                    seen.add(line); // until the child has the collection open and saved
                }
                assertTrue(line != null, "child ended early: " + seen);
                assertThrows(DatabaseLockedException.class, () -> client.deleteCollection("x"));
                assertTrue(Files.exists(dir.resolve("quiver.lock")) && Files.exists(dir.resolve("graph.vctrs")));
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }
            try (Database db = client.getCollection("x")) {
                assertEquals(2 + SaveKillChild.NEW_IDS + SaveKillChild.SHARED, db.size());
            }
            assertTrue(client.deleteCollection("x"));
            assertFalse(Files.exists(dir));
            assertEquals(List.of(), client.listCollections());
        }
    }

    @Test
    void namesTheFileSystemRefusesAreInvalidCollectionNames() {
        try (Client client = new Client(tmp.resolve("root"))) {
            String tooLong = "n".repeat(300);
            for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> client.createCollection(tooLong, 3), () -> client.getCollection(tooLong),
                    () -> client.getOrCreateCollection(tooLong, 3), () -> client.deleteCollection(tooLong))) {
                InvalidCollectionNameException e = assertThrows(InvalidCollectionNameException.class, call);
                assertTrue(e.getMessage().contains("255"), e.getMessage());
            }
            // 255 bytes is fine; 86 three-byte characters (258 bytes) are not.
            client.createCollection("n".repeat(255), 3).close();
            assertThrows(InvalidCollectionNameException.class, () -> client.createCollection("\u20ac".repeat(86), 3));
            assertEquals(List.of("n".repeat(255)), client.listCollections());
        }
    }
}
