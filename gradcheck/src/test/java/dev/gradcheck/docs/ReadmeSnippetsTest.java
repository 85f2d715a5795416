package dev.gradcheck.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java snippets compile and run; a snippet that stops compiling fails the build. */
class ReadmeSnippetsTest {
    private static final Path README = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");

    @Test
    void readmeSnippetsCompileAndRun(@TempDir Path work) throws Exception {
        List<String> blocks = JavaSnippets.extract(Files.readString(README));
        assertFalse(blocks.isEmpty(), "README.md has no ```java blocks");
        JavaSnippets.Compiled compiled = JavaSnippets.compile(blocks, work);
        assertTrue(compiled.ok(), "a README snippet does not compile:\n" + compiled.diagnostics());
        JavaSnippets.run(compiled);
    }

    @Test
    void aSnippetThatNoLongerCompilesIsCaught(@TempDir Path work) throws Exception {
        List<String> blocks = new ArrayList<>(JavaSnippets.extract(Files.readString(README)));
        blocks.add("GradCheck.off(xs -> xs[0].sum()).at(Tensor.scalar(1)).check();\n");
        JavaSnippets.Compiled compiled = JavaSnippets.compile(blocks, work);
        assertFalse(compiled.ok(), "a snippet calling a method that does not exist compiled");
        assertTrue(compiled.diagnostics().contains("off"), compiled.diagnostics());
    }
}
