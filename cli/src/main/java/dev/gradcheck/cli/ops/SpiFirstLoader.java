package dev.gradcheck.cli.ops;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The parent of the user's class loader: {@code dev.gradcheck.*} classes and resources (the SPI
 * the ops implement, one copy of it) from the tool's loader, everything else from the platform.
 * The tool's own libraries (Jackson, picocli, …) stay invisible, so an op's library loads its own
 * versions from the user's class path.
 */
final class SpiFirstLoader extends ClassLoader {
    private static final String PACKAGE = "dev.gradcheck.";
    private static final String FOLDER = "dev/gradcheck/";

    private final ClassLoader tool;

    SpiFirstLoader(ClassLoader tool) {
        super("gradcheck-spi", ClassLoader.getPlatformClassLoader());
        this.tool = tool;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(PACKAGE)) {
            return tool.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        return name.startsWith(FOLDER) ? tool.getResource(name) : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return name.startsWith(FOLDER) ? tool.getResources(name) : super.getResources(name);
    }

    @Override
    protected URL findResource(String name) {
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return Collections.emptyEnumeration();
    }
}
