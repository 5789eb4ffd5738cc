package dev.sparklm.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A checkpoint's {@code model.zip} may come from a shared directory or another team, and the
 * SHA-256 in {@code state.json} beside it vouches for nothing an attacker could not rewrite too.
 * DL4J's {@code ModelSerializer} reads a {@code preprocessor.bin} entry (and others) with Java's
 * {@code ObjectInputStream}, which runs code chosen by whoever wrote the bytes. So a model.zip is
 * read here first: any entry other than the three this project writes is refused, naming the
 * file and the entry, and DL4J is given a zip rebuilt from exactly the entries read (so it can
 * never see an entry hidden from this check, e.g. one only in the central directory).
 */
final class UntrustedModelZip {
    /** What {@code ModelSerializer.writeModel(net, out, true)} writes for a MultiLayerNetwork. */
    static final Set<String> ENTRIES = Set.of("configuration.json", "coefficients.bin", "updaterState.bin");
    private static final Set<String> REQUIRED = Set.of("configuration.json", "coefficients.bin");

    private UntrustedModelZip() {}

    /** The model's entries, re-zipped; throws IllegalArgumentException for anything else in it. */
    static byte[] onlyModelEntries(byte[] zip, String source) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (!ENTRIES.contains(e.getName())) {
                    throw new IllegalArgumentException(source + " contains the entry '" + e.getName()
                            + "', which checkpoints of this project never hold (only " + ENTRIES + "): refused,"
                            + " nothing of it was read. DL4J would deserialize such entries as Java objects;"
                            + " load checkpoints only from a source you trust.");
                }
                if (entries.put(e.getName(), in.readAllBytes()) != null) {
                    throw new IllegalArgumentException(source + " holds the entry '" + e.getName() + "' twice: refused");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not a readable zip file: " + e.getMessage(), e);
        }
        for (String required : REQUIRED) {
            if (!entries.containsKey(required)) {
                throw new IllegalArgumentException(source + " has no '" + required + "' entry: not a model of this project");
            }
        }
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream(zip.length + 1024);
        try (ZipOutputStream out = new ZipOutputStream(rebuilt)) {
            out.setLevel(0);   // read back at once; compressing again would only cost time
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot rebuild " + source + " in memory", e);
        }
        return rebuilt.toByteArray();
    }
}
