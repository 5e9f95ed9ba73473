package dev.vigil.cli;

/** A subcommand; {@link #RUNNING} means it started services and main must not exit. */
interface Command {
    int RUNNING = -1;

    int run();
}
