package dev.quiver.cli;

import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Base of the subcommands: the output streams and the {@code --data} option. */
abstract class CliCommand implements Callable<Integer> {

    QuiverCli.Io io;

    @Mixin
    DataDir data;

    PrintStream out() {
        return io.out();
    }

    PrintStream err() {
        return io.err();
    }
}
