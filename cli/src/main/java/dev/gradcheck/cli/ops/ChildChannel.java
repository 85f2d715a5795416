package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * The checking JVM's end of {@link Wire}: a plain blocking socket (an interrupt, which user code
 * may send to any thread, neither closes nor breaks it).
 */
final class ChildChannel {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private ChildChannel(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to the parent on the loopback port. */
    static ChildChannel connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setTcpNoDelay(true);
        return new ChildChannel(s);
    }

    /** The parent's next message, or null when it closed the connection. */
    ObjectNode receive() throws IOException {
        String line = Wire.readLine(in);
        return line == null ? null : Wire.parse(line);
    }

    /** Sends a message whole (messages never interleave). */
    synchronized void send(ObjectNode message) throws IOException {
        out.write(Wire.line(message));
        out.flush();
    }

    /** As {@link #send}, ignoring a broken connection (the parent is gone: nobody to tell). */
    void trySend(ObjectNode message) {
        try {
            send(message);
        } catch (IOException e) {
            // nobody listens any more
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
