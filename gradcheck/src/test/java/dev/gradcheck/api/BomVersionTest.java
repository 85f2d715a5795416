package dev.gradcheck.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM has no parent (so it imports nothing else), so its version is kept in step by hand: this checks it. */
class BomVersionTest {
    private static final Pattern OWN_VERSION = Pattern.compile(
            "<artifactId>(gradcheck-parent|gradcheck-bom)</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void bomVersionEqualsTheParentVersion() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        assertEquals(version(root.resolve("pom.xml")), version(root.resolve("bom/pom.xml")),
                "bom/pom.xml's <version> must equal the parent pom's");
    }

    private static String version(Path pom) throws Exception {
        Matcher m = OWN_VERSION.matcher(Files.readString(pom));
        if (!m.find()) {
            throw new AssertionError("no own version found in " + pom);
        }
        return m.group(2);
    }
}
