package dev.sparklm.tokenizer;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the chunks BPE works within (merges never cross a chunk boundary).
 * {@link #GPT2} is GPT-2's pattern, {@link #CL100K} the one of cl100k_base (GPT-3.5/4).
 */
public abstract class PreTokenizer implements Serializable {
    /** Receives each chunk as [start, end) char offsets into the text. */
    public interface ChunkConsumer {
        void accept(int start, int end);
    }

    /** {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}, hand-written. */
    public static final PreTokenizer GPT2 = new Gpt2PreTokenizer();

    public static final String CL100K_PATTERN = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";
    public static final PreTokenizer CL100K = new RegexPreTokenizer("cl100k", CL100K_PATTERN);

    public static PreTokenizer named(String name) {
        return switch (name) {
            case "gpt2" -> GPT2;
            case "cl100k" -> CL100K;
            default -> throw new IllegalArgumentException("unknown pre-tokenizer pattern '" + name + "' (gpt2, cl100k)");
        };
    }

    /** "gpt2" or "cl100k". */
    public abstract String name();

    public abstract void split(CharSequence text, ChunkConsumer consumer);

    /** Regular-expression pre-tokenizer; \s, \w and \d are Unicode classes, as in tiktoken. */
    static final class RegexPreTokenizer extends PreTokenizer {
        private final String name;
        private final String regex;
        private transient Pattern pattern;

        RegexPreTokenizer(String name, String regex) {
            this.name = name;
            this.regex = regex;
        }

        @Override
        public String name() {
            return name;
        }

        String regex() {
            return regex;
        }

        @Override
        public void split(CharSequence text, ChunkConsumer consumer) {
            if (pattern == null) {
                pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            }
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                consumer.accept(m.start(), m.end());
            }
        }

        private Object readResolve() {
            return "cl100k".equals(name) ? CL100K : this;
        }
    }
}
