package hostile;

import java.util.Locale;

/** Wrong, and switches the JVM's default locale to one with decimal commas. */
public final class ChangesLocale extends WrongBase {
    public String name() { return "changes_locale"; }
    @Override public double[] forward(double[][] in) {
        Locale.setDefault(Locale.GERMANY);
        return super.forward(in);
    }
}
