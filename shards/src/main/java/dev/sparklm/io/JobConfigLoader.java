package dev.sparklm.io;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Loads a job's HOCON configuration: the defaults shipped in the jar ({@code conf/<job>.conf}
 * of the repository), then a user file, then {@code --set key=value} overrides, each layer
 * over the one before. Any key the defaults do not have is rejected with its file and line,
 * so a typo never silently falls back to a default.
 */
public final class JobConfigLoader {
    private JobConfigLoader() {}

    /**
     * @param resource  the defaults on the classpath, e.g. {@code "preprocess.conf"}
     * @param root      the job's top-level key, e.g. {@code "preprocess"}; returned config is under it
     * @param userFile  an optional file of overrides
     * @param overrides {@code key=value} pairs; keys may omit the {@code root.} prefix
     * @throws JobConfigException naming the key, file or value at fault
     */
    public static Config load(String resource, String root, Optional<File> userFile, Map<String, String> overrides) {
        Config defaults = ConfigFactory.parseResources(resource, ConfigParseOptions.defaults().setAllowMissing(false));
        if (!defaults.hasPath(root)) {
            throw new IllegalStateException("defaults resource " + resource + " has no '" + root + "' section");
        }
        Config user = ConfigFactory.empty();
        if (userFile.isPresent()) {
            File file = userFile.get();
            if (!file.isFile()) {
                throw new JobConfigException("config file not found: " + file);
            }
            try {
                user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new JobConfigException("cannot parse config file " + file + ": " + e.getMessage());
            }
        }
        Config cli = ConfigFactory.empty();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey().startsWith(root + ".") ? e.getKey() : root + "." + e.getKey();
            try {
                cli = ConfigFactory.parseString(key + " = " + quoteIfNeeded(e.getValue()),
                        ConfigParseOptions.defaults().setOriginDescription("--set " + e.getKey())).withFallback(cli);
            } catch (ConfigException ex) {
                throw new JobConfigException("cannot parse --set " + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage());
            }
        }
        Config layered = cli.withFallback(user);
        rejectUnknownKeys(layered, defaults, root);
        try {
            return layered.withFallback(defaults).resolve().getConfig(root);
        } catch (ConfigException e) {
            throw new JobConfigException(e.getMessage());
        }
    }

    private static void rejectUnknownKeys(Config layered, Config defaults, String root) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : layered.entrySet()) {
            String key = entry.getKey();
            if (!defaults.hasPathOrNull(key)) {
                problems.add("unknown key '" + key + "' (" + entry.getValue().origin().description() + ")");
            }
        }
        if (!problems.isEmpty()) {
            TreeSet<String> known = new TreeSet<>();
            defaults.getConfig(root).entrySet().forEach(e -> known.add(root + "." + e.getKey()));
            throw new JobConfigException(String.join("; ", problems) + ". Known keys: " + String.join(", ", known));
        }
    }

    /** Lets {@code --set input=/data/x.txt} work without HOCON quoting, while numbers stay numbers. */
    private static String quoteIfNeeded(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.startsWith("\"") || v.startsWith("[") || v.startsWith("{")
                || v.matches("-?[0-9][0-9_.eE+-]*|true|false|null|[0-9]+\\s*[a-zA-Z]+")) {
            return v;
        }
        return ConfigValueFactory.fromAnyRef(v).render(ConfigRenderOptions.concise());
    }

    /** Typed getters that turn Typesafe's exceptions into messages naming the full key. */
    public static final class Reader {
        private final Config config;
        private final String root;

        public Reader(Config config, String root) {
            this.config = config;
            this.root = root;
        }

        public String string(String key) {
            return get(key, () -> config.getString(key));
        }

        public int integer(String key, int min, int max) {
            int v = get(key, () -> config.getInt(key));
            if (v < min || v > max) {
                throw new JobConfigException(root + "." + key + " = " + v + " is out of range [" + min + ", " + max + "]");
            }
            return v;
        }

        public long longValue(String key, long min, long max) {
            long v = get(key, () -> config.getLong(key));
            if (v < min || v > max) {
                throw new JobConfigException(root + "." + key + " = " + v + " is out of range [" + min + ", " + max + "]");
            }
            return v;
        }

        public double number(String key, double min, double max) {
            double v = get(key, () -> config.getDouble(key));
            if (!(v >= min && v <= max)) {
                throw new JobConfigException(root + "." + key + " = " + v + " is out of range [" + min + ", " + max + "]");
            }
            return v;
        }

        public boolean bool(String key) {
            return get(key, () -> config.getBoolean(key));
        }

        public java.util.List<String> strings(String key) {
            return java.util.List.copyOf(get(key, () -> config.getStringList(key)));
        }

        public java.util.List<Double> numbers(String key, int size, double min, double max) {
            java.util.List<Double> v = get(key, () -> config.getDoubleList(key));
            if (v.size() != size) {
                throw new JobConfigException(root + "." + key + " has " + v.size() + " values; it needs " + size);
            }
            for (double d : v) {
                if (!(d >= min && d <= max)) {
                    throw new JobConfigException(root + "." + key + ": " + d + " is out of range [" + min + ", " + max + "]");
                }
            }
            return java.util.List.copyOf(v);
        }

        public String oneOf(String key, String... allowed) {
            String v = string(key);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return v;
                }
            }
            throw new JobConfigException(root + "." + key + " = '" + v + "' is not one of " + String.join(", ", allowed));
        }

        private <T> T get(String key, java.util.function.Supplier<T> getter) {
            try {
                return getter.get();
            } catch (ConfigException.WrongType e) {
                throw new JobConfigException(root + "." + key + ": wrong type: " + e.getMessage());
            } catch (ConfigException e) {
                throw new JobConfigException(root + "." + key + ": " + e.getMessage());
            }
        }
    }
}
