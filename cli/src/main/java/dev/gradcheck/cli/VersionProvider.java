package dev.gradcheck.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version from the POM (a filtered resource) and the git commit: the {@code gradcheck.commit}
 * system property that {@code bin/gradcheck} passes, else the one recorded at build time.
 */
public final class VersionProvider implements IVersionProvider {
    private static final String RESOURCE = "version.properties";

    /** The POM version, e.g. {@code 0.1.0}. */
    public static String version() {
        return properties().getProperty("version", "unknown");
    }

    /** The short git commit, or {@code unknown}. */
    public static String commit() {
        String fromLauncher = System.getProperty("gradcheck.commit");
        if (fromLauncher != null && !fromLauncher.isBlank()) {
            return fromLauncher.trim();
        }
        String built = properties().getProperty("commit", "");
        return built.isBlank() || built.startsWith("${") ? "unknown" : built;
    }

    /** {@code gradcheck <version> (<commit>)}. */
    public static String versionLine() {
        return "gradcheck " + version() + " (" + commit() + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[] {versionLine()};
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return p;
    }
}
