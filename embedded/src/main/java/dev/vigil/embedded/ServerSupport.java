package dev.vigil.embedded;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Checks shared by both launchers: loopback ports and data directories, with errors that name what is wrong. */
final class ServerSupport {

    static final String HOST = "127.0.0.1";

    private ServerSupport() {}

    /** A port that was free on loopback a moment ago (the usual small race applies). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    /** Fails with a message naming the port if something already listens on it. */
    static int requireFreePort(String server, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(server + " port must be 0 (any) or 1-65535, was " + port);
        }
        // SO_REUSEADDR as the servers themselves bind, so a port in TIME_WAIT counts as free.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw portInUse(server, port, e);
        }
    }

    static IllegalStateException portInUse(String server, int port, Throwable cause) {
        return new IllegalStateException(
                server + " cannot listen on " + HOST + ":" + port + ": the port is already in use"
                        + " (choose another port, or 0 for any free port)",
                cause);
    }

    static boolean causedByBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
            String message = c.getMessage();
            if (message != null && message.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Creates the directory if needed and proves it is a writable directory by writing a probe file (a plain
     * permission check says nothing for root or read-only mounts). Returns the absolute, normalized path.
     */
    static Path prepareDataDir(String server, Path dataDir) {
        if (dataDir == null) {
            throw new IllegalArgumentException(server + " data directory must not be null");
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw badDataDir(server, dir, "it exists and is not a directory", null);
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw badDataDir(server, dir, "a parent path is not a directory", e);
        } catch (IOException | SecurityException e) {
            throw badDataDir(server, dir, "it cannot be created (" + e + ")", e);
        }
        Path probe = dir.resolve(".vigil-write-probe");
        try {
            Files.deleteIfExists(probe);
            Files.writeString(probe, "probe");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw badDataDir(server, dir, "it is not writable (" + e + ")", e);
        }
        return dir;
    }

    /**
     * Takes an exclusive lock on {@code <dir>/.vigil.lock} for as long as the server runs. Kafka in combined mode
     * starts its controller on the metadata log before the broker notices the log directory is locked, so a second
     * broker on the same directory would write to the first one's metadata log; this lock stops it before anything runs.
     */
    static AutoCloseable lockDataDir(String server, Path dir) {
        Path lockFile = dir.resolve(".vigil.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            FileChannel open = channel;
            return () -> {
                lock.release();
                open.close();
            };
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw badDataDir(server, dir, "another " + server + " server (in this or another process) is using it", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw badDataDir(server, dir, "cannot lock " + lockFile + " (" + e + ")", e);
        }
    }

    /** Closes {@code resource}; a failure is added to {@code failure} when there is one, else ignored. */
    static void closeQuietly(AutoCloseable resource, Throwable failure) {
        try {
            resource.close();
        } catch (Exception e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    static IllegalStateException badDataDir(String server, Path dir, String why, Throwable cause) {
        return new IllegalStateException(server + " data directory " + dir + " is not usable: " + why, cause);
    }

    /** The innermost cause's message, or its type when it has none. */
    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }
}
