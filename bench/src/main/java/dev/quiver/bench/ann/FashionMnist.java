package dev.quiver.bench.ann;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (60,000 x 784 train images as the base set, 10,000 test images as queries, pixels 0-255 as floats)
 * from the Debian package {@code dataset-fashion-mnist}, fetched once into a cache directory outside the repository
 * with {@code apt-get download} and unpacked with {@code dpkg -x}. Each base row gets metadata {@code label}
 * (the garment class 0-9) for filtered runs.
 */
public final class FashionMnist {

    static final String PACKAGE = "dataset-fashion-mnist";
    static final String PACKAGE_DATA_DIR = "usr/share/datasets/fashion-mnist";

    private FashionMnist() {
    }

    public record Raw(float[][] base, float[][] queries, List<Map<String, Object>> baseMetadata) { }

    /** The default cache: {@code -Dquiver.cache}/fashion-mnist, else ~/.cache/quiver/fashion-mnist. */
    public static Path defaultCacheDir() {
        String override = System.getProperty("quiver.cache");
        Path root = override != null ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".cache", "quiver");
        return root.resolve("fashion-mnist");
    }

    public static Raw load(Path cacheDir) throws IOException {
        Path data = cacheDir.resolve("pkg").resolve(PACKAGE_DATA_DIR);
        if (!Files.isRegularFile(data.resolve("train-images-idx3-ubyte.gz"))) {
            fetch(cacheDir);
        }
        float[][] base = IdxFormat.readUnsignedBytes(data.resolve("train-images-idx3-ubyte.gz"));
        float[][] queries = IdxFormat.readUnsignedBytes(data.resolve("t10k-images-idx3-ubyte.gz"));
        float[][] labels = IdxFormat.readUnsignedBytes(data.resolve("train-labels-idx1-ubyte.gz"));
        if (labels.length != base.length) {
            throw new IOException("Fashion-MNIST: " + base.length + " images but " + labels.length + " labels");
        }
        List<Map<String, Object>> meta = new ArrayList<>(labels.length);
        for (float[] label : labels) {
            meta.add(Map.of("label", (long) label[0]));
        }
        return new Raw(base, queries, meta);
    }

    private static void fetch(Path cacheDir) throws IOException {
        Files.createDirectories(cacheDir);
        System.err.println("fetching " + PACKAGE + " into " + cacheDir + " (apt-get download, dpkg -x)");
        run(cacheDir, "apt-get", "download", PACKAGE);
        Path deb = null;
        try (DirectoryStream<Path> debs = Files.newDirectoryStream(cacheDir, PACKAGE + "_*.deb")) {
            for (Path p : debs) {
                deb = p;
            }
        }
        if (deb == null) {
            throw new IOException("apt-get download " + PACKAGE + " left no .deb in " + cacheDir);
        }
        run(cacheDir, "dpkg", "-x", deb.getFileName().toString(), "pkg");
    }

    private static void run(Path dir, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit code " + exit
                        + " (for apt-get: run 'apt-get update' first)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
