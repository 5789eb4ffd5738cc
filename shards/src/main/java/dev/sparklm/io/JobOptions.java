package dev.sparklm.io;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options both jobs take ({@code @Mixin}): a HOCON file over the job's defaults, single keys,
 * and the job's shorthand options (--input, --data, --output) folded in as keys.
 */
public final class JobOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "HOCON file over the defaults (conf/${COMMAND-NAME}.conf, in the jar): only the keys it changes")
    File config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "override one key of conf/${COMMAND-NAME}.conf (repeatable), by its path below "
                    + "${COMMAND-NAME} { }: --set a.b=1 sets ${COMMAND-NAME}.a.b")
    Map<String, String> overrides = new LinkedHashMap<>();

    public Optional<File> configFile() {
        return Optional.ofNullable(config);
    }

    /**
     * The --set keys, with the shorthand options that were given: {@code shorthands} maps a key
     * to an option's value, null where the option was not given. A shorthand wins over --set.
     */
    public Map<String, String> overrides(Map<String, String> shorthands) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        shorthands.forEach((key, value) -> {
            if (value != null) {
                all.put(key, value);
            }
        });
        return all;
    }
}
