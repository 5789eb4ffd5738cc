import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Keeps, of a class list written by {@code -XX:DumpLoadedClassList}, the classes a static CDS
 * archive may hold safely: those whose class file the JVM can find again by name.
 *
 * <p>A JVM with a class file load hook (JFR, started at launch or later with {@code jcmd}, or any
 * Java agent that transforms classes) reads the class file of every archived class it loads, by
 * name, from the jar or the JDK image the class came from. On JDK 17 it crashes (SIGSEGV in
 * {@code KlassFactory::check_shared_class_file_load_hook}, JDK-8343427, fixed in JDK 24) when
 * there is none: a class that a multi-release jar holds only under {@code META-INF/versions/N/}
 * (log4j-api's {@code DefaultObjectInputFilter}), or a class generated at run time (method handle
 * species, dynamic proxies). A class a multi-release jar holds at its root and in a versioned
 * directory would not crash, but the hook would get the root's bytes, not the ones the JVM runs:
 * those are left out too.
 *
 * <p>Usage: {@code java CdsClassList.java CLASSPATH_FILE IN OUT} (the class path as one line, as
 * in spark-classpath.txt). Prints what it kept and left out.
 */
public class CdsClassList {
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java CdsClassList.java CLASSPATH_FILE CLASS_LIST_IN CLASS_LIST_OUT");
            System.exit(2);
        }
        Set<String> atRoot = new HashSet<>();
        Set<String> versioned = new HashSet<>();
        for (String entry : Files.readString(Path.of(args[0]), StandardCharsets.UTF_8).trim().split(":")) {
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                index(entry, atRoot, versioned);
            }
        }
        List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        Set<String> kept = new HashSet<>();
        List<String> out = new ArrayList<>();
        int leftOut = 0;
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                out.add(line);
            } else if (line.startsWith("@lambda-form-invoker [LF_RESOLVE]")) {
                // Regenerates the JDK's LambdaForm holder classes, which the JDK image has: safe.
                out.add(line);
            } else if (line.startsWith("@")) {
                // Lambda proxies wait for their callers (below); species and anything else are
                // generated classes with no class file.
                if (!line.startsWith("@lambda-proxy ")) {
                    leftOut++;
                }
            } else {
                String name = line.split(" ", 2)[0];
                if (!versioned.contains(name) && (atRoot.contains(name) || inJdk(name))) {
                    out.add(line);
                    kept.add(name);
                } else {
                    leftOut++;
                }
            }
        }
        // A lambda proxy is a hidden class (no load hook): it may stay if the class it is created in stays.
        for (String line : lines) {
            if (line.startsWith("@lambda-proxy ")) {
                if (kept.contains(line.split(" ", 3)[1])) {
                    out.add(line);
                } else {
                    leftOut++;
                }
            }
        }
        Files.write(Path.of(args[2]), out, StandardCharsets.UTF_8);
        System.out.printf("CdsClassList: %d classes kept, %d lines left out (%d classes in versioned jar directories)%n",
                kept.size(), leftOut, versioned.size());
    }

    /** The classes a jar holds at its root, and, if it is a multi-release jar, those under META-INF/versions/. */
    static void index(String jar, Set<String> atRoot, Set<String> versioned) throws IOException {
        try (JarFile file = new JarFile(jar)) {
            boolean multiRelease = file.isMultiRelease();
            for (JarEntry e : (Iterable<JarEntry>) file.stream()::iterator) {
                String name = e.getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                String className = name.substring(0, name.length() - ".class".length());
                if (!name.startsWith("META-INF/versions/")) {
                    atRoot.add(className);
                } else if (multiRelease) {
                    // META-INF/versions/N/a/b/C.class -> a/b/C
                    int slash = name.indexOf('/', "META-INF/versions/".length());
                    versioned.add(className.substring(slash + 1));
                }
            }
        }
    }

    /** Whether the JDK's runtime image has this class file (class files are never encapsulated in modules). */
    static boolean inJdk(String name) {
        return ClassLoader.getPlatformClassLoader().getResource(name + ".class") != null;
    }
}
