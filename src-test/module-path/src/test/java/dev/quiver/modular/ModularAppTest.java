package dev.quiver.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.Database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quiver on the module path: in this (modular) test JVM, and in child JVMs started the way a user starts an app. */
class ModularAppTest {

    @Test
    void quiverRunsAsNamedModulesInTheTestJvm(@TempDir Path dir) throws IOException {
        assertEquals("dev.quiver.engine", Database.class.getModule().getName());
        assertEquals("dev.quiver.modular", ModularApp.class.getModule().getName());
        String line = ModularApp.run(dir);
        assertTrue(line.contains("engine=dev.quiver.engine") && line.contains("kernels=panama-"), line);
    }

    @Test
    void childJvmOnTheModulePathUsesTheVectorKernelsWhenTheModuleIsAdded(@TempDir Path dir) throws Exception {
        String line = runChild(dir, List.of("--add-modules", "jdk.incubator.vector"));
        assertTrue(line.contains("kernels=panama-"), line);
    }

    @Test
    void childJvmOnTheModulePathFallsBackToScalarKernelsWithoutTheVectorModule(@TempDir Path dir) throws Exception {
        String line = runChild(dir, List.of());
        assertTrue(line.contains("kernels=scalar"), line);
    }

    /** Runs {@code java [flags] --module-path <this JVM's module path> -m dev.quiver.modular/...ModularApp dir}. */
    private static String runChild(Path dir, List<String> flags) throws Exception {
        String modulePath = System.getProperty("jdk.module.path");
        assertNotNull(modulePath, "the test JVM must run on the module path (surefire useModulePath)");
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(flags);
        command.addAll(List.of("--module-path", modulePath, "-m", "dev.quiver.modular/dev.quiver.modular.ModularApp",
                dir.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
        }
        assertTrue(exited, "child JVM did not finish: " + output);
        assertEquals(0, process.exitValue(), "child JVM failed: " + command + "\n" + output);
        assertTrue(output.contains("modular-app ok: app=dev.quiver.modular engine=dev.quiver.engine"), output);
        return output;
    }
}
