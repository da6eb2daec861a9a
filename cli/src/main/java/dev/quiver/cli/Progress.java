package dev.quiver.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * A progress bar with rate and ETA on stderr (me.tongfei progressbar). On a terminal it redraws one line; anywhere
 * else (a pipe, a CI log, a test) it prints a line every two seconds instead of carriage-return noise. Off with
 * {@code --quiet}.
 */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, long total, String unit, PrintStream err, boolean enabled) {
        if (!enabled) {
            return new Progress(null);
        }
        boolean terminal = err == System.err && System.console() != null && System.console().isTerminal();
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII);
        if (terminal) {
            b.setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(200);
        } else {
            b.setConsumer(new DelegatingProgressBarConsumer(err::println, 100)).setUpdateIntervalMillis(2000);
        }
        return new Progress(b.build());
    }

    void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
