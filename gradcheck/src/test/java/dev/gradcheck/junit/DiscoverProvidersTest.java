package dev.gradcheck.junit;

import static dev.gradcheck.junit.GradientTestExtensionTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.gradcheck.junit.fixtures.BadProviders;
import dev.gradcheck.junit.fixtures.DiscoverBadProvidersFixture;
import dev.gradcheck.junit.fixtures.FixtureOnly;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.opentest4j.AssertionFailedError;

/**
 * {@code discover = true} with bad providers among good ones: each bad provider is a failed test of
 * its own, named by its class and saying what went wrong, and the good providers' ops are checked.
 */
class DiscoverProvidersTest {
    private static final String P = BadProviders.class.getName() + "$";

    @Test
    void eachBadProviderIsAFailedTestOfItsOwnAndTheGoodOnesAreChecked(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("services");
        Files.writeString(services, "# good and bad providers\n" + P + "GoodA\n" + P + "CtorThrows\n" + P + "CtorHangs\n"
                + P + "Missing  # not on the class path\n" + P + "NotAnOp\n" + P + "StaticInitThrows\n" + P + "GoodB\n"
                + P + "GoodA\n");
        ServicesLoader loader = new ServicesLoader(getClass().getClassLoader(), DiscoverBadProvidersFixture.class.getName(),
                services.toUri().toURL());
        Class<?> fixture = loader.loadClass(DiscoverBadProvidersFixture.class.getName());
        assertTrue(fixture.getClassLoader() == loader, "the fixture is the loader's own");
        EngineExecutionResults r;
        try {
            r = EngineTestKit.engine("junit-jupiter").configurationParameter(FixtureOnly.PARAMETER, "run")
                    .selectors(selectClass(fixture)).execute();
        } finally {
            BadProviders.release = true;
        }
        r.containerEvents().assertStatistics(s -> s.failed(0));
        assertEquals(List.of("provided_a: seed 0, shapes [4, 8]", "provided_b: seed 0, shapes [4, 8]"),
                GradientTestExtensionTest.names(r.testEvents().succeeded()));
        Map<String, Throwable> failed = GradientTestExtensionTest.failures(r.testEvents());
        assertEquals(List.of("provider " + P + "CtorThrows", "provider " + P + "CtorHangs", "provider " + P + "Missing",
                "provider " + P + "NotAnOp", "provider " + P + "StaticInitThrows"), List.copyOf(failed.keySet()));
        String at = "@GradientTest on DiscoverBadProvidersFixture.registered(): discover = true: provider " + P;
        String listed = " (listed in META-INF/services/dev.gradcheck.CustomOp) ";
        Throwable ctor = failed.get("provider " + P + "CtorThrows");
        assertInstanceOf(AssertionFailedError.class, ctor);
        assertContains(ctor.getMessage(), at + "CtorThrows" + listed
                + "could not be made: its constructor threw IllegalStateException: no weights file");
        assertInstanceOf(IllegalStateException.class, ctor.getCause());
        // the trace leads with the constructor's line, then the test method
        assertEquals(P + "CtorThrows", ctor.getStackTrace()[0].getClassName());
        assertEquals("<init>", ctor.getStackTrace()[0].getMethodName());
        assertTrue(ctor.getStackTrace()[0].getLineNumber() > 0, ctor.getStackTrace()[0]::toString);
        assertEquals("registered", ctor.getStackTrace()[1].getMethodName());
        assertContains(failed.get("provider " + P + "CtorHangs").getMessage(), at + "CtorHangs" + listed
                + "could not be made: its constructor did not return within 1 s (at " + P + "CtorHangs.<init>(BadProviders.java:");
        assertContains(failed.get("provider " + P + "Missing").getMessage(), at + "Missing" + listed
                + "cannot be loaded: Provider " + P + "Missing not found");
        assertContains(failed.get("provider " + P + "NotAnOp").getMessage(), at + "NotAnOp" + listed
                + "cannot be loaded: " + P + "NotAnOp not a subtype");
        assertContains(failed.get("provider " + P + "StaticInitThrows").getMessage(), at + "StaticInitThrows" + listed
                + "could not be made: its static initialiser threw IllegalStateException: no native library");
    }

    /**
     * A class loader that defines one class itself (so that class's loader is this one) and serves
     * one services file for {@code dev.gradcheck.CustomOp}, in place of those on the class path.
     */
    private static final class ServicesLoader extends ClassLoader {
        private final String own;
        private final URL services;

        ServicesLoader(ClassLoader parent, String own, URL services) {
            super(parent);
            this.own = own;
            this.services = services;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(own)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] b = in.readAllBytes();
                        c = defineClass(name, b, 0, b.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.equals(Providers.SERVICES) ? Collections.enumeration(List.of(services)) : super.getResources(name);
        }
    }
}
