package dev.gradcheck.junit;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Reads a member named in an annotation: {@code "ops"} (a no-argument method or a field of the
 * test class, its superclasses or enclosing classes; static unless the test instance is given) or
 * {@code "com.example.Ops#all"} (of another class).
 */
final class Members {
    private Members() {
    }

    static Object value(Class<?> testClass, String ref, String attribute) {
        return value(testClass, ref, attribute, null);
    }

    /**
     * As {@link #value(Class, String, String)}; an instance member is read from {@code instance}
     * when it is not null and of the member's class (a {@code @TestInstance(PER_CLASS)} test).
     */
    static Object value(Class<?> testClass, String ref, String attribute, Object instance) {
        // a factory is user code (it makes ops): named if it ends the JVM
        return UnderCheck.during(attribute + " = \"" + ref + "\"", "read", null,
                () -> find(testClass, ref, attribute, instance));
    }

    private static Object find(Class<?> testClass, String ref, String attribute, Object instance) {
        Class<?> owner = testClass;
        String name = ref.trim();
        int hash = name.indexOf('#');
        if (hash >= 0) {
            try {
                owner = Class.forName(name.substring(0, hash), true, testClass.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": no class " + name.substring(0, hash), e);
            }
            name = name.substring(hash + 1);
        }
        for (Class<?> c = owner; c != null; c = c.getEnclosingClass()) {
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                Object[] found = read(k, name, ref, attribute, k.isInstance(instance) ? instance : null);
                if (found != null) {
                    return found[0];
                }
            }
        }
        throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": " + owner.getName()
                + " has no static method " + name + "() and no static field " + name);
    }

    /** {value} when k declares the member, null otherwise. */
    private static Object[] read(Class<?> k, String name, String ref, String attribute, Object instance) {
        try {
            Method m = k.getDeclaredMethod(name);
            boolean isStatic = Modifier.isStatic(m.getModifiers());
            if (!isStatic && instance == null) {
                throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": " + k.getName() + "." + name
                        + "() must be static (or the test class @TestInstance(PER_CLASS))");
            }
            m.setAccessible(true);
            return new Object[] {m.invoke(isStatic ? null : instance)};
        } catch (NoSuchMethodException e) {
            // try a field
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": cannot call it: " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": " + k.getName() + "." + name
                    + "() threw " + e.getCause(), e.getCause());
        }
        try {
            Field f = k.getDeclaredField(name);
            boolean isStatic = Modifier.isStatic(f.getModifiers());
            if (!isStatic && instance == null) {
                throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": field " + k.getName() + "."
                        + name + " must be static (or the test class @TestInstance(PER_CLASS))");
            }
            f.setAccessible(true);
            return new Object[] {f.get(isStatic ? null : instance)};
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": cannot read it: " + e.getMessage(), e);
        }
    }
}
