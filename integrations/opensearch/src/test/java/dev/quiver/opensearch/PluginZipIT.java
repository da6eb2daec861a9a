package dev.quiver.opensearch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.junit.Test;
import org.opensearch.common.bootstrap.JarHell;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;

/**
 * The packaged plugin zip (built by {@code package}, checked by failsafe): its descriptor is one OpenSearch 3.9.0
 * accepts for this plugin, its jars sit at the top level, load the plugin class and its codec, and repeat no class
 * of OpenSearch's own class path (the jar-hell check that {@code opensearch-plugin install} runs).
 */
public class PluginZipIT {

    private static Path zip() {
        String path = System.getProperty("quiver.plugin.zip");
        assertNotNull("system property quiver.plugin.zip (set by the build)", path);
        Path zip = Path.of(path);
        assertTrue("plugin zip not built: " + zip, Files.isRegularFile(zip));
        return zip;
    }

    private static Path unzip(Path zip) throws IOException {
        Path dir = Files.createTempDirectory("quiver-plugin");
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : Collections.list(file.entries())) {
                assertFalse("entries sit at the top level: " + entry.getName(), entry.getName().contains("/"));
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, dir.resolve(entry.getName()));
                }
            }
        }
        return dir;
    }

    @Test
    public void descriptorIsValidForThisOpenSearch() throws IOException {
        Path dir = unzip(zip());
        PluginInfo info = PluginInfo.readFromProperties(dir);
        assertEquals("quiver", info.getName());
        assertEquals(QuiverPlugin.class.getName(), info.getClassname());
        assertEquals("3.9.0", info.getOpenSearchVersionRangesString());
        assertEquals("25", info.getJavaVersion());
        assertTrue(info.getDescription(), info.getDescription().contains("quiver_knn"));
        assertTrue(info.getExtendedPlugins().isEmpty());
        assertFalse(info.hasNativeController());
    }

    @Test
    public void jarsLoadThePluginAndItsCodecWithoutJarHell() throws Exception {
        Path dir = unzip(zip());
        List<URL> pluginJars = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                pluginJars.add(p.toUri().toURL());
            }
        }
        Set<String> names = new HashSet<>();
        pluginJars.forEach(u -> names.add(Path.of(u.getPath()).getFileName().toString()));
        assertTrue("plugin jar in " + names, names.stream().anyMatch(n -> n.startsWith("quiver-opensearch-")));
        for (String needed : List.of("quiver-lucene-", "quiver-engine-", "quiver-simd-", "quiver-storage-")) {
            assertTrue(needed + "* in " + names, names.stream().anyMatch(n -> n.startsWith(needed)));
        }
        for (String provided : List.of("lucene-", "opensearch-", "log4j-", "RoaringBitmap-", "HdrHistogram-")) {
            assertTrue("OpenSearch already ships " + provided + "*: " + names,
                    names.stream().noneMatch(n -> n.startsWith(provided)));
        }

        // OpenSearch's own class path (the build's provided dependencies) plus the zip's jars, as install checks them.
        Set<URL> combined = new HashSet<>(pluginJars);
        String serverClassPath = Files.readString(Path.of(System.getProperty("quiver.opensearch.classpath"))).trim();
        for (String entry : serverClassPath.split(java.io.File.pathSeparator)) {
            combined.add(Path.of(entry).toUri().toURL());
        }
        assertTrue("OpenSearch's class path has the server jar: " + serverClassPath,
                serverClassPath.contains("opensearch-3.9.0.jar"));
        JarHell.checkJarHell(combined, message -> {});

        // A class loader over the zip's jars alone (the plugin's own classes come from there, not from this test).
        ClassLoader parent = Plugin.class.getClassLoader();
        try (URLClassLoader loader = new URLClassLoader(pluginJars.toArray(URL[]::new), new FilteringLoader(parent))) {
            Class<?> pluginClass = Class.forName(QuiverPlugin.class.getName(), true, loader);
            assertTrue(Plugin.class.isAssignableFrom(pluginClass));
            assertEquals(loader, pluginClass.getClassLoader());
            // The zip's jars register the codec and Quiver's format with Lucene's SPI, loadable from the zip alone.
            assertServiceFromZip(loader, Codec.class, "dev.quiver.opensearch.codec.QuiverCodec");
            assertServiceFromZip(loader, KnnVectorsFormat.class, "dev.quiver.lucene.QuiverHnswVectorsFormat");
            Object codec = Class.forName("dev.quiver.opensearch.codec.QuiverCodec", true, loader)
                    .getConstructor().newInstance();
            assertEquals("QuiverCodec", ((Codec) codec).getName());
            Object format = Class.forName("dev.quiver.lucene.QuiverHnswVectorsFormat", true, loader)
                    .getConstructor().newInstance();
            assertEquals("QuiverHnsw", ((KnnVectorsFormat) format).getName());
        }
    }

    private static void assertServiceFromZip(URLClassLoader loader, Class<?> service, String implementation)
            throws IOException {
        List<String> lines = new ArrayList<>();
        for (URL url : Collections.list(loader.findResources("META-INF/services/" + service.getName()))) {
            try (InputStream in = url.openStream()) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    lines.add(line.trim());
                }
            }
        }
        assertTrue(service.getName() + " services in the zip: " + lines, lines.contains(implementation));
    }

    /** Hides this module's own classes from the parent, so that only the zip can supply them. */
    private static final class FilteringLoader extends ClassLoader {
        FilteringLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.quiver.")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            URL url = super.getResource(name);
            return url != null && url.getPath().contains("/target/") ? null : url;
        }

        @Override
        public java.util.Enumeration<URL> getResources(String name) throws IOException {
            List<URL> kept = new ArrayList<>();
            for (URL url : Collections.list(super.getResources(name))) {
                if (!url.getPath().contains("/target/") && !url.getPath().contains("/dev/quiver/")) {
                    kept.add(url);
                }
            }
            return Collections.enumeration(kept);
        }
    }
}
