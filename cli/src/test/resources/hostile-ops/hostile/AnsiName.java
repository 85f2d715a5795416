package hostile;

/** A wrong op whose name tries to end its line, forge a passing op's line and recolour the report. */
public final class AnsiName extends WrongBase {
    public String name() { return "ansi\u001b[32m\nPASS  fake_op\r\u001b[0m"; }
}
