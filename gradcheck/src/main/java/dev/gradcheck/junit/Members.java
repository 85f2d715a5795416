package dev.gradcheck.junit;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Reads a static member named in an annotation: {@code "ops"} (a static no-argument method or a
 * static field of the test class, its superclasses or enclosing classes) or
 * {@code "com.example.Ops#all"} (of another class).
 */
final class Members {
    private Members() {
    }

    static Object value(Class<?> testClass, String ref, String attribute) {
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
                Object[] found = read(k, name, ref, attribute);
                if (found != null) {
                    return found[0];
                }
            }
        }
        throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": " + owner.getName()
                + " has no static method " + name + "() and no static field " + name);
    }

    /** {value} when k declares the member, null otherwise. */
    private static Object[] read(Class<?> k, String name, String ref, String attribute) {
        try {
            Method m = k.getDeclaredMethod(name);
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": " + k.getName() + "." + name
                        + "() must be static");
            }
            m.setAccessible(true);
            return new Object[] {m.invoke(null)};
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
            if (!Modifier.isStatic(f.getModifiers())) {
                throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": field " + k.getName() + "."
                        + name + " must be static");
            }
            f.setAccessible(true);
            return new Object[] {f.get(null)};
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException(attribute + " = \"" + ref + "\": cannot read it: " + e.getMessage(), e);
        }
    }
}
