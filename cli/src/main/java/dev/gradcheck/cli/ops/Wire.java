package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol between {@code gradcheck ops --jar} and the JVM it checks the ops in: one JSON
 * object per line, both ways, over a loopback socket of their own (never the child's stdout or
 * stderr, which belong to the user's code). The child connects to the port and proves itself with
 * the token, both given in the environment variable {@link #ENV} ({@code port:token}).
 *
 * <pre>
 * child  → {"hello": token, "max_heap_mb": 512}
 * parent → {"args": [the ops command line], "providers": ["demo.Square", …]}
 * parent → {"name": k}                       child → {"named": k, "name": "square", "retire": false} or {…, "error": "…"}
 * parent → {"check": k, "reproduce": "…"}    child → {"result": k, "check": {a check of the JSON report}, "retire": false}
 * parent → {"stop": true}                    (while a check runs: --timeout or Ctrl-C; its reply holds the draws done)
 * parent → {"bye": true}                     (the child ends)
 * child  → {"exit": {"stage": "backward", "at": "demo.X.backward(X.java:9)", "output": "…"}}  (System.exit was called)
 * child  → {"fatal": "…"}                    (the child's own code failed; it ends)
 * </pre>
 */
final class Wire {
    /** The environment variable that tells the child where to connect: {@code port:token}. */
    static final String ENV = "GRADCHECK_OPS_WORKER";
    /** No message is longer (a check with every worst entry and nested input is far shorter). */
    static final int MAX_LINE = 64 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The message as one line of UTF-8, ending in a line feed (JSON escapes the ones inside strings). */
    static byte[] line(ObjectNode message) {
        try {
            return (JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a message: " + e.getMessage(), e);
        }
    }

    /** The message on a line, or an {@link IOException} when the line is not a JSON object. */
    static ObjectNode parse(String line) throws IOException {
        if (JSON.readTree(line) instanceof ObjectNode o) {
            return o;
        }
        throw new IOException("not a JSON object: " + (line.length() > 100 ? line.substring(0, 100) + "…" : line));
    }

    /**
     * The next line of {@code in} without its line feed, or null at the end of the stream.
     *
     * @throws IOException when the line is longer than {@link #MAX_LINE} bytes
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("a message of more than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
