package dev.gradcheck.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.GradCheck;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.kernels.KernelFastPaths;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors of engine, kernels and gradcheck: the dependencies point one way
 * (gradcheck → kernels → engine), each exports only its public packages (the engine's zero-copy
 * storage to the kernels alone, the checker's machinery to the CLI alone), and the services are declared
 * where they are used and provided.
 */
class ModulesTest {
    private static ModuleDescriptor descriptor(Class<?> member) throws URISyntaxException {
        Path root = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleReference ref = ModuleFinder.of(root).findAll().stream().findFirst()
                .orElseThrow(() -> new AssertionError("no module at " + root));
        assertTrue(!ref.descriptor().isAutomatic(), root + " has no module-info");
        return ref.descriptor();
    }

    private static Set<String> ours(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name).filter(n -> n.startsWith("dev.gradcheck"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> exported(ModuleDescriptor d) {
        return d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void engine() throws URISyntaxException {
        ModuleDescriptor d = descriptor(Tensor.class);
        assertEquals("dev.gradcheck.engine", d.name());
        assertEquals(Set.of(), ours(d), "the engine depends on no other module of the project");
        assertEquals(Set.of("dev.gradcheck.engine", "dev.gradcheck.engine.io", "dev.gradcheck.engine.nn",
                "dev.gradcheck.engine.nn.examples", "dev.gradcheck.engine.op", "dev.gradcheck.engine.ops"), exported(d));
        assertEquals(Set.of("dev.gradcheck.engine.internal -> [dev.gradcheck.kernels]"), d.exports().stream()
                .filter(ModuleDescriptor.Exports::isQualified).map(e -> e.source() + " -> " + new TreeSet<>(e.targets()))
                .collect(Collectors.toSet()));
        assertEquals(Set.of("dev.gradcheck.engine.op.FastPathProvider"), d.uses());
    }

    @Test
    void kernels() throws URISyntaxException {
        ModuleDescriptor d = descriptor(KernelFastPaths.class);
        assertEquals("dev.gradcheck.kernels", d.name());
        assertEquals(Set.of("dev.gradcheck.engine"), ours(d));
        assertEquals(Set.of("dev.gradcheck.kernels", "dev.gradcheck.kernels.incremental"), exported(d));
        assertEquals(1, d.provides().size(), d.provides().toString());
        ModuleDescriptor.Provides p = d.provides().iterator().next();
        assertEquals("dev.gradcheck.engine.op.FastPathProvider", p.service());
        assertEquals(java.util.List.of(KernelFastPaths.class.getName()), p.providers());
    }

    @Test
    void gradcheck() throws URISyntaxException {
        ModuleDescriptor d = descriptor(GradCheck.class);
        assertEquals("dev.gradcheck", d.name());
        assertEquals(Set.of("dev.gradcheck.engine", "dev.gradcheck.kernels"), ours(d));
        for (ModuleDescriptor.Exports e : d.exports()) {
            if (e.source().startsWith("dev.gradcheck.internal")) {
                assertEquals(Set.of("dev.gradcheck.cli"), e.targets(), "the checker's machinery: to the CLI alone");
            }
        }
        assertTrue(exported(d).contains("dev.gradcheck"), exported(d).toString());
        assertEquals(Set.of("dev.gradcheck.CustomOp"), d.uses());
    }
}
