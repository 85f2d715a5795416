package dev.gradcheck.docs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles and runs the ```java blocks of a Markdown file, so documentation cannot drift from the
 * code. A block that declares a type ({@code class}, {@code record}, {@code interface}, {@code enum}
 * at the start of a line) is a compilation unit of its own; any other block is a list of
 * statements, wrapped in a method and run. Every block sees the imports in {@link #IMPORTS}, and the
 * statement blocks see the types the other blocks declare.
 */
final class JavaSnippets {
    static final String IMPORTS = String.join("\n",
            "import dev.gradcheck.*;",
            "import dev.gradcheck.engine.*;",
            "import java.util.*;",
            "import java.nio.file.*;",
            "");

    private static final Pattern BLOCK = Pattern.compile("```java[^\\n]*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile(
            "^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);

    private JavaSnippets() {
    }

    /** The ```java blocks of {@code markdown}, in order. */
    static List<String> extract(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The outcome of compiling a set of blocks. */
    record Compiled(boolean ok, String diagnostics, Path classes, List<String> runnables) {
    }

    /** Compiles the blocks into a fresh folder under {@code work}. */
    static Compiled compile(List<String> blocks, Path work) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        List<String> runnables = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            Matcher type = TYPE.matcher(block);
            String name;
            String source;
            if (type.find()) {
                name = type.group(1);
                source = IMPORTS + block;
            } else {
                name = "Snippet" + (i + 1);
                source = IMPORTS + "public class " + name + " {\n    public static void run() throws Exception {\n"
                        + block + "\n    }\n}\n";
                runnables.add(name);
            }
            Path file = src.resolve(name + ".java");
            Files.writeString(file, source);
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                testClasspath(), "-proc:none", "-Xlint:none"));
        args.addAll(files);
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int rc = javac.run(null, messages, messages, args.toArray(String[]::new));
        return new Compiled(rc == 0, messages.toString(StandardCharsets.UTF_8), classes, runnables);
    }

    /** Runs each statement block of a successful compilation. */
    static void run(Compiled compiled) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {compiled.classes().toUri().toURL()},
                JavaSnippets.class.getClassLoader())) {
            for (String name : compiled.runnables()) {
                Method run = loader.loadClass(name).getMethod("run");
                run.invoke(null);
            }
        }
    }

    /**
     * The tests' class path for javac: the class path and, when the tests run on the module path
     * (gradcheck is a named module), the module path, whose jars and folders serve as class path too.
     */
    private static String testClasspath() {
        String modules = System.getProperty("jdk.module.path");
        String cp = System.getProperty("java.class.path");
        return modules == null || modules.isEmpty() ? cp : cp + java.io.File.pathSeparator + modules;
    }
}
