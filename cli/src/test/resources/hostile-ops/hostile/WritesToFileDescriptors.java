package hostile;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/** Correct, but writes JSON garbage straight to the process's stdout and stderr, past System.out. */
public final class WritesToFileDescriptors extends SquareBase {
    public String name() { return "writes_to_file_descriptors"; }
    @Override public double[] forward(double[][] in) {
        try {
            new FileOutputStream(FileDescriptor.out).write("]}{\"passed\": true\u001b[2J".getBytes());
            new FileOutputStream(FileDescriptor.err).write("\u001b[31mFAIL everything\n".getBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return super.forward(in);
    }
}
